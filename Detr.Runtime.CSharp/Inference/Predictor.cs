using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Detr.Dsl;
using Detr.Models;
using Detr.Runtime.Data;
using Detr.Runtime.Data.Transforms;
using Detr.Runtime.Imaging;
using Detr.Torch;

namespace Detr.Runtime.Inference;

/// <summary>
/// Detections on image files: each image resized as for validation (shorter side val_size, longer side at
/// most image_max), normalised, run through the model in eval mode and post-processed to pixels of the
/// original image. Writes, per image, a JPEG with the boxes, class names and scores drawn (colour per class;
/// the text in a 5×7 pixel font, <see cref="BitmapFont"/>) and an SVG with the same over the image; and
/// `detections.json` in COCO's results format.
/// </summary>
public sealed class Predictor(Detector model, Plan plan, Device device, IReadOnlyDictionary<long, string>? names = null)
{
    private static readonly byte[][] Palette =
        [[230, 25, 75], [60, 180, 75], [67, 99, 216], [245, 130, 49], [145, 30, 180], [66, 212, 244], [240, 50, 230], [191, 239, 69], [70, 153, 144], [220, 190, 255]];

    /// <summary>Detections in pixels of <paramref name="image"/>, which reaches the model as the loader's images do (<see cref="ImageFile.ReadForModel"/>).</summary>
    public Detections Predict(DecodedImage image)
    {
        var sample = new DetectionSample(ImageView.Of(image), [], [], [], 0, (image.Height, image.Width));
        sample = Training.RecipeData.ValidationTransform(plan.Train).Apply(sample, new SampleRandom(0));
        using var batch = Collate.Create([sample], [0]);
        using var scope = DisposeScope.Enter();
        using var noGrad = LibTorch.NoGrad();
        model.Eval();
        var (images, mask) = batch.ImagesOn(device);
        var output = model.Forward(images, mask, null);
        return PostProcess.Apply(output.Logits, output.Boxes, [(image.Height, image.Width)], plan.Head, plan.Predict)[0];
    }

    public string Name(long label) => names is not null && names.TryGetValue(label, out var n) ? n : $"class {label}";

    /// <summary>Predicts every image and writes the drawings and detections.json into <paramref name="outDir"/>; returns the detection count per image.</summary>
    public List<(string File, int Kept)> Run(IReadOnlyList<string> files, string outDir, double threshold, Action<string> log)
    {
        Directory.CreateDirectory(outDir);
        var results = new JsonArray();
        var summary = new List<(string, int)>();
        for (var index = 0; index < files.Count; index++)
        {
            var file = files[index];
            RgbImage image;                                      // to draw on
            Detections d;
            try
            {
                (var input, image) = ImageFile.ReadForModelAndDrawing(file);
                d = Predict(input);
            }
            catch (Exception e) when (e is ImageDecodeException or SampleDecodeException) { log($"skipped: {e.Message}"); continue; }
            var stem = Path.GetFileNameWithoutExtension(file);
            var imageId = long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : index + 1;
            var kept = Enumerable.Range(0, d.Count).Where(i => d.Scores[i] >= threshold).ToList();
            foreach (var i in kept)
            {
                var b = d.Boxes[i];
                results.Add(new JsonObject
                {
                    ["image_id"] = imageId, ["category_id"] = d.Labels[i],
                    ["bbox"] = new JsonArray(Round(b[0]), Round(b[1]), Round(b[2] - b[0]), Round(b[3] - b[1])),
                    ["score"] = Math.Round(d.Scores[i], 5), ["file_name"] = Path.GetFileName(file),
                });
            }
            var drawn = Draw(image, d, kept, Caption);
            File.WriteAllBytes(Path.Combine(outDir, stem + ".pred.jpg"), JpegCodec.Encode(drawn, 92));
            File.WriteAllText(Path.Combine(outDir, stem + ".pred.svg"), Svg(image, d, kept));
            summary.Add((file, kept.Count));
        }
        Torch.Serialization.AtomicFile.Write(Path.Combine(outDir, "detections.json"), s => s.Write(Encoding.UTF8.GetBytes(results.ToJsonString())));
        return summary;
    }

    private static double Round(float v) => Math.Round(v, 2);

    /// <summary>"name 0.87": a detection's class and score, as drawn.</summary>
    public string Caption(Detections d, int i) => $"{Name(d.Labels[i])} {d.Scores[i].ToString("0.00", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The image with a rectangle (1 px per 150 px of the shorter side) per kept detection and, when
    /// <paramref name="caption"/> is given, its caption in white on the box's colour above the box's top left
    /// corner (inside the box when there is no room above; moved left when it would leave the image).
    /// </summary>
    public static RgbImage Draw(RgbImage image, Detections d, IEnumerable<int> kept, Func<Detections, int, string>? caption = null)
    {
        var copy = new RgbImage(image.Width, image.Height, (byte[])image.Pixels.Clone());
        var thickness = Math.Max(1, Math.Min(image.Width, image.Height) / 150);
        foreach (var i in kept)
        {
            var colour = Palette[(int)(d.Labels[i] % Palette.Length)];
            var b = d.Boxes[i];
            int x0 = Clamp(b[0], copy.Width), y0 = Clamp(b[1], copy.Height), x1 = Clamp(b[2], copy.Width), y1 = Clamp(b[3], copy.Height);
            var (w0, h0) = (x1 - x0 + 1, y1 - y0 + 1);                                          // the box's pixels, edges included
            copy.Fill(x0, y0, w0, thickness, colour);
            copy.Fill(x0, y1 - thickness + 1, w0, thickness, colour);
            copy.Fill(x0, y0, thickness, h0, colour);
            copy.Fill(x1 - thickness + 1, y0, thickness, h0, colour);
            if (caption is null) continue;
            var text = caption(d, i);
            var scale = Math.Max(1, Math.Min(image.Width, image.Height) / 320);
            var (w, h) = BitmapFont.Measure(text, scale);
            var (pad, top) = (scale, y0 - h - 2 * scale >= 0 ? y0 - h - 2 * scale : y0);
            var left = Math.Max(0, Math.Min(x0, copy.Width - w - 2 * pad));                   // kept inside the image when it fits
            copy.Fill(left, top, w + 2 * pad, h + 2 * pad, colour);
            BitmapFont.Draw(copy, left + pad, top + pad, text, White, scale);
        }
        return copy;
    }

    private static readonly byte[] White = [255, 255, 255];

    private static int Clamp(float v, int size) => Math.Clamp((int)Math.Round(v), 0, size - 1);

    private string Svg(RgbImage image, Detections d, IEnumerable<int> kept)
    {
        var drawing = new SvgDrawing(image);
        var font = Math.Max(8, image.Width / 40.0);
        foreach (var i in kept)
        {
            var c = Palette[(int)(d.Labels[i] % Palette.Length)];
            var colour = $"rgb({c[0]},{c[1]},{c[2]})";
            var b = d.Boxes[i];
            drawing.Box(b[0], b[1], b[2] - b[0], b[3] - b[1], colour, Math.Max(1, image.Width / 200.0))
                   .Label(b[0] + 2, Math.Max(b[1] - 2, font), font, colour, Caption(d, i));
        }
        return drawing.ToString();
    }
}
