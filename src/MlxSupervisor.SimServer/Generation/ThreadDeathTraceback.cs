namespace MlxSupervisor.SimServer.Generation;

/// <summary>
/// What stderr shows when <c>mlx_lm.server</c>'s generation thread dies of Metal's allocation limit: Python's
/// <c>threading.excepthook</c> output, ending with the exception (mlx-lm #1505, #1672). The paths and line
/// numbers are those of a Homebrew Python 3.12 and mlx-lm 0.31; only the first and last lines matter to a
/// supervisor, and they are verbatim.
/// </summary>
internal static class ThreadDeathTraceback
{
    public const string FirstLine = "Exception in thread Thread-1 (_generate):";

    public const string LastLine = "RuntimeError: [metal::malloc] Resource limit (499000) exceeded.";

    private const string Python = "/opt/homebrew/Cellar/python@3.12/3.12.11/Frameworks/Python.framework/Versions/3.12/lib/python3.12";
    private const string SitePackages = "/Users/sim/.venv/lib/python3.12/site-packages";

    /// <summary>The whole traceback, written as one block so no other stderr line lands inside it.</summary>
    public static string Text { get; } = string.Join('\n',
        FirstLine,
        "Traceback (most recent call last):",
        $"  File \"{Python}/threading.py\", line 1075, in _bootstrap_inner",
        "    self.run()",
        $"  File \"{Python}/threading.py\", line 1012, in run",
        "    self._target(*self._args, **self._kwargs)",
        $"  File \"{SitePackages}/mlx_lm/server.py\", line 788, in _generate",
        "    prompt_responses, gen_responses = batch_generator.next()",
        "                                      ^^^^^^^^^^^^^^^^^^^^^^",
        $"  File \"{SitePackages}/mlx_lm/generate.py\", line 1407, in next",
        "    mx.async_eval(batch.y, batch.logprobs)",
        LastLine);
}
