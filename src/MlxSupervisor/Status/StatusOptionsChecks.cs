namespace MlxSupervisor.Status;

/// <summary>
/// The <c>Status</c> section's part of the settings check: one line per problem, naming the key and the value.
/// The token file is only looked at (stat), not read: <c>mlx-supervisor status</c> may run as a user who cannot read it.
/// </summary>
internal static class StatusOptionsChecks
{
    private const string Root = StatusOptions.SectionName;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static IEnumerable<string> Collect(StatusOptions o)
    {
        if (!o.Enabled)
            yield break;

        if (!ListenAddress.TryParse(o.Listen, out var listen))
        {
            yield return $"{Root}:Listen '{o.Listen}' is not an http URL with a host and a port, e.g. \"{StatusOptions.DefaultListen}\".";
        }
        else if (!listen.IsLoopback && !(o.AllowRemote && o.HasToken))
        {
            yield return $"{Root}:Listen '{o.Listen}' is not a loopback address: set {Root}:AllowRemote to true and a {Root}:Token or {Root}:TokenFile "
                + "to let other machines reach the endpoint, or listen on 127.0.0.1.";
        }

        if (!string.IsNullOrEmpty(o.Token) && !string.IsNullOrEmpty(o.TokenFile))
            yield return $"{Root}:Token and {Root}:TokenFile '{o.TokenFile}' are both set: keep one.";

        if (o.TokenFile is { Length: > 0 } file)
        {
            if (!File.Exists(file))
            {
                yield return $"{Root}:TokenFile '{file}' does not exist.";
            }
            else if ((File.GetUnixFileMode(file) & GroupOrOther) != 0)
            {
                var mode = Convert.ToString((int)File.GetUnixFileMode(file), 8);
                yield return $"{Root}:TokenFile '{file}' has mode {mode}: it must be readable by its owner only, e.g. chmod 600 '{file}'.";
            }
        }
    }
}
