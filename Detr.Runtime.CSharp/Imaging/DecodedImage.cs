namespace Detr.Runtime.Imaging;

/// <summary>
/// The pixels an <see cref="ImageView"/> is rendered from: interleaved RGB (<see cref="RgbImage"/>: PNGs,
/// drawings, tests) or a JPEG's own colour planes (<see cref="YCbCrImage"/>: the loader's JPEGs, converted to
/// RGB only after resampling).
/// </summary>
public abstract class DecodedImage
{
    public abstract int Width { get; }

    public abstract int Height { get; }
}
