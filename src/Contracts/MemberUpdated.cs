namespace KkboxNcf.Contracts;

/// <summary>A members.csv row, on the compacted members topic keyed by Msno (the latest wins).</summary>
public sealed record MemberUpdated(
    string Msno,
    int City,
    int Bd,
    string Gender,
    int RegisteredVia,
    int RegistrationInitTime,
    int ExpirationDate) : IMessage<MemberUpdated>
{
    public static MessageType Type => MessageType.MemberUpdated;
    public static byte Version => 1;

    public void WriteFields(MessageWriter w) =>
        w.String(Msno).Int(City).Int(Bd).String(Gender).Int(RegisteredVia).Int(RegistrationInitTime).Int(ExpirationDate);

    public static MemberUpdated ReadFields(ref MessageReader r, byte version) =>
        new(r.String(), r.Int(), r.Int(), r.String(), r.Int(), r.Int(), r.Int());
}
