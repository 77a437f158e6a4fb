namespace Hydra.Cli;

/// <summary>Short reasons for file errors (.NET's own repeat the path and speak of "parts of the path").</summary>
internal static class FileProblems
{
    public static string Describe(Exception e, string path) => e switch
    {
        _ when Directory.Exists(path) => "is a directory, not a file",
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
