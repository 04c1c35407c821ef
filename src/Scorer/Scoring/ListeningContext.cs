namespace KkboxNcf.Scorer.Scoring;

/// <summary>Where a song is played from: the three source fields of a listen. Written "tab|screen|type".</summary>
public readonly record struct ListeningContext(string Tab, string Screen, string Type)
{
    public static ListeningContext Parse(string text)
    {
        var parts = text.Split('|');
        if (parts.Length != 3) throw new FormatException($"a listening context is \"tab|screen|type\", got \"{text}\"");
        return new ListeningContext(parts[0].Trim(), parts[1].Trim(), parts[2].Trim());
    }

    public static bool TryParse(string text, out ListeningContext context)
    {
        try
        {
            context = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            context = default;
            return false;
        }
    }

    public override string ToString() => $"{Tab}|{Screen}|{Type}";
}
