namespace KkboxNcf.Contracts;

/// <summary>A message that cannot be decoded. The reason goes with it to the dead-letter topic.</summary>
public sealed class MessageFormatException(string reason) : Exception(reason)
{
    public string Reason => Message;
}
