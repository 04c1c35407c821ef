namespace KkboxNcf.Hosting;

/// <summary>
/// A settings class bound from one configuration section. Validate returns one message per bad
/// value, each naming the setting as a user writes it (e.g. "Trainer:BatchSize must be at least 1, got 0").
/// </summary>
public interface ISettings
{
    static abstract string Section { get; }
    IEnumerable<string> Validate();
}
