using System.Text.RegularExpressions;

namespace MlxSupervisor.Health;

/// <summary>
/// The lines that mean the server is dead whatever /health says (<c>Health:FatalOutput</c>): mlx_lm.server prints
/// "Exception in thread Thread-1 (_generate):" when its generation thread dies and then goes on answering /health
/// with 200 while every completion hangs (mlx-lm #1505, #1672, #1909).
/// </summary>
/// <remarks>Immutable, so one instance serves every life of the server started with the same list.</remarks>
public sealed partial class FatalOutputMatcher
{
    // A pattern that backtracks badly on one long line must not stall the output pump, which carries every line to the log.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private const RegexOptions Options = RegexOptions.CultureInvariant;

    private readonly Regex[] _patterns;

    private FatalOutputMatcher(IReadOnlyList<string> patterns)
    {
        Patterns = patterns;
        _patterns = Alternation(patterns) is { } any ? [any] : [.. patterns.Select(p => new Regex(p, Options, MatchTimeout))];
    }

    /// <summary>
    /// The patterns as one regex, <c>(?:a)|(?:b)|(?:c)</c>, which decides a line in one scan instead of one per
    /// pattern: every line of a flood goes through it, and one scan took a quarter of the time of three (issue 14).
    /// </summary>
    /// <returns>Null when a pattern could read otherwise inside the alternation: a numbered or named backreference or
    /// a condition on a group (its number would shift), or a comment or ignore-whitespace option (it could swallow the
    /// rest). Those patterns are each matched alone.</returns>
    private static Regex? Alternation(IReadOnlyList<string> patterns)
    {
        if (patterns.Count < 2 || patterns.Any(p => OwnRegexOnly().IsMatch(p)))
            return null;
        return new Regex(string.Join('|', patterns.Select(p => $"(?:{p})")), Options, MatchTimeout);
    }

    [GeneratedRegex(@"\\[1-9k]|\(\?[a-z]*x|\(\?[#(]")]
    private static partial Regex OwnRegexOnly();

    public IReadOnlyList<string> Patterns { get; }

    /// <returns>Null when the list is empty: fatal output is off. Call only on validated patterns.</returns>
    public static FatalOutputMatcher? From(IEnumerable<string> patterns)
    {
        var list = patterns.Where(p => !string.IsNullOrEmpty(p)).ToList();
        return list.Count == 0 ? null : new FatalOutputMatcher(list);
    }

    /// <summary>True when the list is the same as <paramref name="patterns"/>, so a reload need not compile it again.</summary>
    public bool Uses(IEnumerable<string> patterns) => Patterns.SequenceEqual(patterns.Where(p => !string.IsNullOrEmpty(p)));

    public bool Matches(string line) => Matches(line.AsSpan());

    /// <summary>As <see cref="Matches(string)"/>, on a line the output pump decoded into its own buffer, with no string made for it.</summary>
    public bool Matches(ReadOnlySpan<char> line)
    {
        foreach (var pattern in _patterns)
        {
            try
            {
                if (pattern.IsMatch(line))
                    return true;
            }
            catch (RegexMatchTimeoutException)
            {
                // Too slow to decide on this line: it is not taken as fatal.
            }
        }
        return false;
    }

    /// <summary>One line per pattern that is not a valid .NET regular expression, naming its key.</summary>
    public static IEnumerable<string> Problems(IList<string> patterns, string key)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            string? problem = null;
            try
            {
                _ = new Regex(patterns[i], Options, MatchTimeout);
            }
            catch (ArgumentException e)
            {
                problem = e.Message;
            }
            if (problem is not null)
                yield return $"{key}:{i} '{patterns[i]}' is not a valid .NET regular expression: {problem}";
        }
    }
}
