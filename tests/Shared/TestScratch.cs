using System.Diagnostics;

namespace Detr.Tests;

/// <summary>
/// Scratch files and folders of one test process, all under one folder of the system's temp folder that is
/// deleted when the process exits; one left behind by a killed process is deleted by the next test process.
/// (Mirrors TestScratch.fs.)
/// </summary>
internal static class TestScratch
{
    private const string Prefix = "detr-tests-";

    private static readonly Lazy<string> Root = new(() =>
    {
        SweepStale();
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), Prefix + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    /// <summary>A path for a file (or folder) named <paramref name="name"/> in this process's scratch folder, not created.</summary>
    public static string Path(string name) => System.IO.Path.Combine(Root.Value, name);

    /// <summary>A new, empty folder named prefix-unique.</summary>
    public static string Folder(string prefix) => Directory.CreateDirectory(Path($"{prefix}-{Guid.NewGuid():N}")).FullName;

    /// <summary>Folders of test processes that are no longer running.</summary>
    private static void SweepStale()
    {
        foreach (var dir in Directory.GetDirectories(System.IO.Path.GetTempPath(), Prefix + "*"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir)[Prefix.Length..], out var pid) || pid == Environment.ProcessId) continue;
            bool alive;
            try { using var _ = Process.GetProcessById(pid); alive = true; }
            catch (ArgumentException) { alive = false; }
            if (!alive)
                try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
