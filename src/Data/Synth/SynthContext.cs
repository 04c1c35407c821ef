namespace KkboxNcf.Data.Synth;

/// <summary>
/// A listening context as the real files show it (tab, screen, type), with how common it is at the
/// start and at the end of the timeline, its effect on the replay logit, and how often a listen in
/// it is of a song the user chose by taste (library, search) rather than one pushed by popularity
/// (radio, charts).
/// </summary>
public sealed record SynthContext(string Tab, string Screen, string Type, double EarlyWeight, double LateWeight, double Effect, double TasteShare)
{
    /// <summary>Contexts where the song is the service's pick, not the user's: taste matters more there (a non-linear context x latent interaction).</summary>
    public bool IsDiscovery => Tab is "discover" or "radio" or "explore" or "listen with";
}

/// <summary>The value sets of the real files (kkbox-format.md) and the generator's contexts over them.</summary>
public static class SynthVocab
{
    public static readonly string[] Tabs = ["my library", "discover", "search", "radio", "listen with", "explore", "notification", "settings", "null"];

    public static readonly string[] Screens =
    [
        "Local playlist more", "Online playlist more", "Radio", "Album more", "Search", "Artist more",
        "Discover Feature", "Discover Chart", "Others profile more", "Discover Genre", "My library", "Explore",
        "Unknown", "Discover New", "Search Trends", "Search Home", "My library_Search", "Self profile more",
        "Concert", "Payment", "People local",
    ];

    public static readonly string[] Types =
    [
        "local-library", "local-playlist", "online-playlist", "radio", "top-hits-for-artist", "album",
        "song-based-playlist", "listen-with", "song", "artist", "topic-article-playlist", "my-daily-playlist",
    ];

    /// <summary>
    /// Context combinations. Library replays are far more likely than radio or discovery ones; the
    /// mix drifts from library-heavy (early, ~75% positive) to discovery-heavy (later).
    /// </summary>
    public static readonly SynthContext[] Contexts =
    [
        new("my library", "Local playlist more", "local-library", 0.3651, 0.16, 1.60, 0.92),
        new("my library", "Local playlist more", "local-playlist", 0.1095, 0.06, 1.40, 0.90),
        new("my library", "My library", "local-library", 0.0487, 0.025, 1.50, 0.92),
        new("my library", "My library_Search", "local-library", 0.0073, 0.004, 1.30, 0.92),
        new("my library", "Artist more", "artist", 0.0049, 0.004, 1.00, 0.85),
        new("my library", "Album more", "album", 0.0122, 0.008, 1.20, 0.88),
        new("discover", "Online playlist more", "online-playlist", 0.0715, 0.19, -1.05, 0.45),
        new("discover", "Discover Feature", "online-playlist", 0.026, 0.07, -1.20, 0.35),
        new("discover", "Discover Chart", "online-playlist", 0.013, 0.035, -1.30, 0.25),
        new("discover", "Discover Genre", "online-playlist", 0.0052, 0.012, -1.15, 0.55),
        new("discover", "Discover New", "online-playlist", 0.0039, 0.012, -1.35, 0.20),
        new("discover", "Album more", "album", 0.0163, 0.03, -0.80, 0.60),
        new("discover", "Unknown", "song-based-playlist", 0.0052, 0.012, -1.30, 0.40),
        new("discover", "Online playlist more", "my-daily-playlist", 0.0013, 0.006, -1.10, 0.70),
        new("discover", "Others profile more", "online-playlist", 0.0039, 0.008, -1.25, 0.40),
        new("search", "Search", "song", 0.0174, 0.06, -2.25, 0.85),
        new("search", "Search Trends", "song", 0.0013, 0.006, -2.50, 0.40),
        new("search", "Search Home", "song", 0.0013, 0.006, -2.40, 0.70),
        new("search", "Album more", "album", 0.0025, 0.01, -2.35, 0.80),
        new("search", "Artist more", "top-hits-for-artist", 0.0032, 0.014, -2.50, 0.70),
        new("radio", "Radio", "radio", 0.0218, 0.12, -4.70, 0.30),
        new("radio", "Unknown", "radio", 0.0015, 0.008, -4.60, 0.30),
        new("listen with", "Others profile more", "listen-with", 0.0103, 0.04, -3.20, 0.25),
        new("listen with", "People local", "listen-with", 0.0017, 0.008, -3.30, 0.20),
        new("explore", "Explore", "online-playlist", 0.0066, 0.025, -2.00, 0.40),
        new("explore", "Explore", "topic-article-playlist", 0.001, 0.006, -2.15, 0.30),
        new("explore", "Concert", "artist", 0.0003, 0.002, -1.85, 0.50),
        new("notification", "Unknown", "song", 0.002, 0.003, -0.30, 0.40),
        new("notification", "Payment", "online-playlist", 0.0005, 0.0008, -0.40, 0.30),
        new("settings", "Self profile more", "local-library", 0.001, 0.001, 0.60, 0.90),
        new("null", "Artist more", "top-hits-for-artist", 0.0005, 0.0005, 0.00, 0.60),
        new("discover", "Discover Feature", "song", 0.002, 0.005, -1.20, 0.40),
        new("search", "Search", "local-library", 0.0006, 0.002, -2.10, 0.90),
    ];

    /// <summary>Language codes of songs.csv (-1 = unknown; 1 and 66 are rare codes of the generator's own).</summary>
    public static readonly int[] Languages = [3, 52, -1, 31, 17, 10, 24, 59, 45, 38, 1, 66];

    public static readonly int[] Cities = [1, 13, 5, 4, 15, 22, 6, 14, 12, 8, 9, 11, 18, 21, 3, 10, 7, 17, 16, 20, 19, 2];

    public static readonly int[] RegisteredVia = [7, 9, 4, 3, 13, 16, 10];
    public static readonly double[] RegisteredViaWeights = [0.37, 0.26, 0.20, 0.12, 0.03, 0.01, 0.01];

    /// <summary>201 two-letter ISRC country prefixes, most frequent first (TW, US, GB, JP, KR, ...).</summary>
    public static readonly string[] Countries = (
        "TW US GB JP KR HK CN DE FR SE NL CA AU IT ES SG MY QM NO DK FI BE AT CH IE BR MX AR IN TH ID PH " +
        "VN RU PL CZ HU GR PT TR IL ZA NZ CL CO PE VE UA RO BG HR SI SK RS LT LV EE IS LU MT CY EG MA TN " +
        "NG KE GH SN CI CM ET TZ UG ZW ZM AO MZ MG MU RE JM TT BB BS PR DO CU HT PA CR GT HN SV NI BZ UY " +
        "PY BO EC GY SR AE SA QA KW BH OM JO LB SY IQ IR PK BD LK NP MM KH LA MN KZ UZ KG TJ TM AZ GE AM " +
        "BY MD AL MK BA ME XK AD MC SM LI VA GI FO GL BM KY VG AW CW SX LC VC GD AG DM KN MS TC AI FJ PG " +
        "SB VU NC PF WS TO KI TV NR MH FM PW GU MP AS CK NU TK WF MO BN TL BT MV AF YE LY DZ SD SS ER DJ " +
        "SO RW BI MW LS SZ BW NA GA"
    ).Split(' ');

    /// <summary>The language a song from a country is most likely in.</summary>
    public static int LanguageOf(string country, ref Rng rng) => country switch
    {
        "TW" => rng.Chance(0.82) ? 3 : rng.Chance(0.6) ? 10 : 52,
        "CN" or "SG" or "MY" => rng.Chance(0.9) ? 3 : 52,
        "HK" or "MO" => rng.Chance(0.6) ? 24 : 3,
        "KR" => 31,
        "JP" => 17,
        "TH" => 59,
        "ID" or "PH" => rng.Chance(0.5) ? 45 : 52,
        "IN" or "PK" => 38,
        _ => rng.Chance(0.93) ? 52 : -1,
    };
}
