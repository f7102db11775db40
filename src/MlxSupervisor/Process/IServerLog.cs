namespace MlxSupervisor.Process;

/// <summary>Where a server's output goes, already framed: whole lines, each with its time and stream mark.</summary>
/// <remarks>One per server, shared by its lives; called by one pump at a time, but a late pump of an earlier life may overlap.</remarks>
internal interface IServerLog
{
    /// <summary>Appends whole lines. May block (a slow disk); never throws for a disk that fails.</summary>
    void Write(ReadOnlySpan<byte> lines);
}
