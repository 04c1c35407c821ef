using System.Text;
using KkboxNcf.Data;

namespace KkboxNcf.Tests.Data;

public class CsvRowReaderTests
{
    static List<(CsvRowStatus Status, long Line, string[] Fields, string Raw, bool Terminated)> Rows(string text, int bufferSize = 4096)
    {
        using var csv = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), bufferSize);
        var rows = new List<(CsvRowStatus, long, string[], string, bool)>();
        CsvRowStatus s;
        while ((s = csv.ReadRow()) != CsvRowStatus.End)
        {
            var fields = Enumerable.Range(0, csv.FieldCount).Select(i => Encoding.UTF8.GetString(csv.Field(i))).ToArray();
            rows.Add((s, csv.LineNumber, fields, Encoding.UTF8.GetString(csv.RawRow), csv.Terminated));
        }
        return rows;
    }

    [Fact]
    public void Plain_rows_split_on_commas_with_empty_fields()
    {
        var rows = Rows("a,b,c\n,,x\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["", "", "x"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
    }

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        var rows = Rows("id,name\n1,\"Hello, \"\"World\"\"\"\n2,\"two\nlines\"\n3,after\n");
        Assert.Equal(["1", "Hello, \"World\""], rows[1].Fields);
        Assert.Equal(["2", "two\nlines"], rows[2].Fields);
        Assert.Equal("2,\"two\nlines\"", rows[2].Raw);
        // The quoted line break takes a line: the next row starts on line 5.
        Assert.Equal(3, rows[2].Line);
        Assert.Equal(5, rows[3].Line);
        Assert.Equal(["3", "after"], rows[3].Fields);
    }

    [Fact]
    public void Bom_and_crlf_are_not_part_of_the_fields()
    {
        var rows = Rows("\uFEFFmsno,target\r\nabc,1\r\n\"q,x\",0\r\n");
        Assert.Equal(["msno", "target"], rows[0].Fields);
        Assert.Equal(["abc", "1"], rows[1].Fields);
        Assert.Equal(["q,x", "0"], rows[2].Fields);
        Assert.Equal("abc,1", rows[1].Raw);
    }

    [Fact]
    public void Last_line_without_line_break_is_read_and_marked()
    {
        var rows = Rows("a,b\nc,d");
        Assert.Equal(["c", "d"], rows[1].Fields);
        Assert.True(rows[0].Terminated);
        Assert.False(rows[1].Terminated);
    }

    [Fact]
    public void Unterminated_quote_rejects_only_its_first_line_and_reading_goes_on()
    {
        var rows = Rows("a,b\n\"open,x\nc,d");
        Assert.Equal(CsvRowStatus.UnterminatedQuote, rows[1].Status);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal("\"open,x", rows[1].Raw);
        Assert.Equal(CsvRowStatus.Row, rows[2].Status);
        Assert.Equal(["c", "d"], rows[2].Fields);
        Assert.Equal(3, rows[2].Line);
    }

    [Fact]
    public void A_stray_opening_quote_does_not_swallow_the_rest_of_a_long_file()
    {
        var text = "h1,h2\n\"stray,1\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"r{i},{i}\n"));
        var rows = Rows(text);
        Assert.Equal(CsvRowStatus.UnterminatedQuote, rows[1].Status);
        Assert.Equal("\"stray,1", rows[1].Raw);
        Assert.Equal(302, rows.Count);
        Assert.Equal(["r299", "299"], rows[^1].Fields);
        Assert.Equal(302, rows[^1].Line);
    }

    [Fact]
    public void Stray_quotes_inside_fields_are_kept_as_characters()
    {
        var rows = Rows("a\"b,c\n\"x\"y,z\n");
        Assert.Equal(["a\"b", "c"], rows[0].Fields);
        Assert.Equal(["xy", "z"], rows[1].Fields);
    }

    [Fact]
    public void Rows_across_buffer_refills_read_the_same_as_with_one_buffer()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) sb.Append(i).Append(",\"name ").Append(i).Append(i % 7 == 0 ? ",\nx" : "").Append("\",").Append("中文\u00A0").Append(i).Append('\n');
        var small = Rows(sb.ToString(), 4096);
        var big = Rows(sb.ToString(), 1 << 20);
        Assert.Equal(2000, small.Count);
        Assert.Equal(big.Select(r => string.Join("|", r.Fields) + r.Line), small.Select(r => string.Join("|", r.Fields) + r.Line));
        Assert.Equal("name 7,\nx", small[7].Fields[1]);
        Assert.Equal("中文\u00A01999", small[1999].Fields[2]);
    }
}
