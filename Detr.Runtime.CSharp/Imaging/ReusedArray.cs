namespace Detr.Runtime.Imaging;

/// <summary>Working arrays kept between calls (per thread) and grown when a call needs more.</summary>
internal static class ReusedArray
{
    /// <summary><paramref name="array"/> if it holds at least <paramref name="length"/> elements, else a new one stored there. Contents are stale.</summary>
    public static T[] Fit<T>(ref T[]? array, int length) => array is { } a && a.Length >= length ? a : array = new T[length];
}
