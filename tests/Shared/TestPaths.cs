namespace Detr.Tests;

/// <summary>Where tests find the repository and the shared reference fixtures (../shared/fixtures).</summary>
internal static class TestPaths
{
    /// <summary>The repository root: the first folder above the test binary holding Detr.Dsl.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>$DETR_FIXTURES, or ../shared/fixtures next to the repository.</summary>
    public static string Fixtures { get; } =
        Environment.GetEnvironmentVariable("DETR_FIXTURES") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Detr.Dsl.sln"))) return dir.FullName;
        throw new InvalidOperationException("Detr.Dsl.sln not found above " + AppContext.BaseDirectory);
    }
}
