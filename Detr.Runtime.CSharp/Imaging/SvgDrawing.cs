using System.Globalization;
using System.Net;
using System.Text;

namespace Detr.Runtime.Imaging;

/// <summary>
/// An image with boxes and labels drawn over it as one self-contained SVG (the image inlined as a JPEG data
/// URI, coordinates in image pixels): `detr predict`'s drawings and the training report's samples.
/// </summary>
public sealed class SvgDrawing
{
    private readonly StringBuilder svg;

    /// <param name="scale">display size / image size (the viewBox stays in image pixels).</param>
    public SvgDrawing(RgbImage image, double scale = 1)
    {
        svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(image.Width * scale)}\" height=\"{F(image.Height * scale)}\" viewBox=\"0 0 {image.Width} {image.Height}\">");
        svg.Append($"<image width=\"{image.Width}\" height=\"{image.Height}\" href=\"data:image/jpeg;base64,{Convert.ToBase64String(JpegCodec.Encode(image, 90))}\"/>");
    }

    /// <summary>An unfilled rectangle at (x, y) of size w × h.</summary>
    public SvgDrawing Box(double x, double y, double w, double h, string colour, double stroke, bool dashed = false, double opacity = 1)
    {
        svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(w)}\" height=\"{F(h)}\" fill=\"none\" stroke=\"{colour}\"");
        if (dashed) svg.Append(" stroke-dasharray=\"2,2\"");
        svg.Append($" stroke-width=\"{F(stroke)}\"");
        if (opacity < 1) svg.Append($" opacity=\"{F(opacity)}\"");
        svg.Append("/>");
        return this;
    }

    /// <summary>Text with its baseline at (x, y); <paramref name="outline"/> draws a thin black edge for contrast.</summary>
    public SvgDrawing Label(double x, double y, double fontSize, string colour, string text, bool outline = false)
    {
        svg.Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-size=\"{F(fontSize)}\" fill=\"{colour}\"");
        if (outline) svg.Append(" stroke=\"black\" stroke-width=\"0.15\"");
        svg.Append($">{WebUtility.HtmlEncode(text)}</text>");
        return this;
    }

    public override string ToString() => svg + "</svg>";

    /// <summary>A coordinate with at most one decimal, culture-independent.</summary>
    public static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
