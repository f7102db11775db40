using System.Security.Cryptography;
using System.Text;
using MlxSupervisor.Configuration;

namespace MlxSupervisor.Status;

/// <summary>The bearer token for control requests, from <c>Status:Token</c> or <c>Status:TokenFile</c>.</summary>
public sealed class StatusToken
{
    private readonly byte[] _expected;

    private StatusToken(string token) => _expected = Encoding.UTF8.GetBytes(token);

    /// <returns>Null when neither key is set.</returns>
    /// <exception cref="SettingsException">The token file cannot be read or is empty.</exception>
    public static StatusToken? Load(StatusOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
            return new StatusToken(options.Token);
        if (string.IsNullOrEmpty(options.TokenFile))
            return null;

        string text;
        try
        {
            text = File.ReadAllText(options.TokenFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException([$"{StatusOptions.SectionName}:TokenFile '{options.TokenFile}' cannot be read: {e.Message}"]);
        }
        var token = text.Trim();
        return token.Length > 0
            ? new StatusToken(token)
            : throw new SettingsException([$"{StatusOptions.SectionName}:TokenFile '{options.TokenFile}' is empty."]);
    }

    public string Value => Encoding.UTF8.GetString(_expected);

    /// <summary>Whether an Authorization header carries this token, compared in constant time.</summary>
    public bool Accepts(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var offered = Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(offered, _expected);
    }
}
