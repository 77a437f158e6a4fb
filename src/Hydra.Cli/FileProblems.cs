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

    /// <summary>Why a file cannot be written, in the words the log file's error uses (a missing directory is never created).</summary>
    public static string DescribeWrite(Exception e, string path) => e switch
    {
        _ when Directory.Exists(path) => "it is a directory",
        DirectoryNotFoundException when Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory =>
            File.Exists(directory) ? $"{directory} is a file, not a directory" : $"the directory {directory} does not exist",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
