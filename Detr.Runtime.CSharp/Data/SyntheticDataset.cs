using System.Text.Json;
using Detr.Runtime.Imaging;

namespace Detr.Runtime.Data;

/// <summary>Parameters of a synthetic dataset; equal parameters give byte-identical datasets.</summary>
public sealed record SyntheticOptions(int Train = 2000, int Val = 200, int Size = 128, int Seed = 0, int MinObjects = 1, int MaxObjects = 8);

/// <summary>
/// A built-in detection dataset that needs no download: JPEG images of simple shapes (6 categories: filled
/// and outlined rectangles and ellipses, triangles, crosses) in varied colours and sizes (from 8 px up to
/// half the image), 1–8 per image, possibly overlapping (IoU ≤ 0.4), on a textured noisy background;
/// written in COCO's layout. Deterministic for a seed (per-image generators seeded by split and index).
/// </summary>
public static class SyntheticDataset
{
    public static readonly string[] CategoryNames = ["rectangle", "rectangle outline", "ellipse", "ellipse outline", "triangle", "cross"];

    /// <summary>The `info.description` its annotations carry, by which <see cref="IsSynthetic"/> recognises the dataset.</summary>
    public const string Description = "Detr.Dsl synthetic shapes dataset";

    /// <summary>
    /// Whether the COCO-layout folder <paramref name="root"/> holds this generator's dataset, however it is named
    /// or wherever it was copied: its training annotations open with the <see cref="Description"/> (read from the
    /// file's first kilobytes, so a 450 MB COCO file costs nothing). False for a missing or unreadable file.
    /// </summary>
    public static bool IsSynthetic(string root)
    {
        var path = Path.Combine(root, "annotations", "instances_train2017.json");
        if (!File.Exists(path)) return false;
        var head = new byte[4096];
        int length;
        using (var stream = File.OpenRead(path)) length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var reader = new Utf8JsonReader(head.AsSpan(0, length), isFinalBlock: length < head.Length, state: default);
        try
        {
            // {"info": {"description": "..."}, ...}: the generator writes info first.
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.ValueTextEquals("info")
                && reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.ValueTextEquals("description")
                && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(Description);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes annotations/instances_{train,val}2017.json, train2017/ and val2017/ into <paramref name="root"/>.</summary>
    public static void Write(string root, SyntheticOptions o)
    {
        if (o.Size < 32) throw new ArgumentException($"image size {o.Size} is too small (at least 32)");
        Directory.CreateDirectory(Path.Combine(root, "annotations"));
        foreach (var (split, count, salt) in new[] { ("train", o.Train, 1), ("val", o.Val, 2) })
        {
            var folder = Path.Combine(root, $"{split}2017");
            Directory.CreateDirectory(folder);
            var images = new (string File, List<(int Category, int X, int Y, int W, int H, int Area)> Objects)[count];
            Parallel.For(0, count, i =>
            {
                var rng = new Random(DataLoader.Mix(o.Seed, salt, i));
                var (image, objects) = Draw(o, rng);
                var file = $"{i + 1:D12}.jpg";
                File.WriteAllBytes(Path.Combine(folder, file), JpegCodec.Encode(image, quality: 92));
                images[i] = (file, objects);
            });
            WriteAnnotations(Path.Combine(root, "annotations", $"instances_{split}2017.json"), images, o.Size);
        }
    }

    /// <summary>
    /// The dataset for `--data synthetic`: generated once into a cache folder ($DETR_CACHE, else .cache/ in
    /// the repository) and reused. Generation writes a temporary folder and renames it, so an interrupted or
    /// concurrent run never leaves a partial dataset behind.
    /// </summary>
    public static string EnsureCached(SyntheticOptions o, Action<string>? log = null)
    {
        var cache = Environment.GetEnvironmentVariable("DETR_CACHE") is { Length: > 0 } env ? env : DefaultCacheRoot();
        var target = Path.Combine(cache, $"synthetic-v1-s{o.Size}-n{o.Train}-{o.Val}-o{o.MinObjects}-{o.MaxObjects}-seed{o.Seed}");
        if (Directory.Exists(target)) return target;
        Directory.CreateDirectory(cache);
        var temporary = target + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        log?.Invoke($"generating the synthetic dataset ({o.Train} train + {o.Val} val images, {o.Size} px) into {target}");
        Write(temporary, o);
        try { Directory.Move(temporary, target); }
        catch (IOException) when (Directory.Exists(target)) { Directory.Delete(temporary, recursive: true); } // another process won
        return target;
    }

    private static string DefaultCacheRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Detr.Dsl.sln"))) return Path.Combine(dir.FullName, ".cache");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "detr");
    }

    private static (RgbImage, List<(int, int, int, int, int, int)>) Draw(SyntheticOptions o, Random rng)
    {
        var s = o.Size;
        var image = new RgbImage(s, s);
        Background(image, rng);
        var objects = new List<(int Category, int X, int Y, int W, int H, int Area)>();
        var n = rng.Next(o.MinObjects, o.MaxObjects + 1);
        for (var k = 0; k < n; k++)
        {
            for (var attempt = 0; attempt < 30; attempt++)
            {
                var w = rng.Next(8, s / 2 + 1);
                var h = Math.Clamp((int)(w * Math.Exp((rng.NextDouble() - 0.5) * 1.2)), 8, s / 2);
                var x = rng.Next(0, s - w + 1);
                var y = rng.Next(0, s - h + 1);
                if (objects.Any(b => Iou(b.X, b.Y, b.W, b.H, x, y, w, h) > 0.4)) continue;
                var category = rng.Next(CategoryNames.Length) + 1;
                var colour = Colour(rng);
                var area = Shape(image, category, x, y, w, h, colour, rng);
                objects.Add((category, x, y, w, h, area));
                break;
            }
        }
        return (image, objects);
    }

    /// <summary>A muted base colour, a smooth two-corner gradient, coarse blotches and per-pixel noise.</summary>
    private static void Background(RgbImage image, Random rng)
    {
        var s = image.Width;
        var a = new[] { rng.Next(40, 140), rng.Next(40, 140), rng.Next(40, 140) };
        var b = new[] { rng.Next(40, 140), rng.Next(40, 140), rng.Next(40, 140) };
        var grid = 8;
        var blotches = new double[(grid + 1) * (grid + 1)];
        for (var i = 0; i < blotches.Length; i++) blotches[i] = rng.NextDouble() * 30 - 15;
        for (var y = 0; y < s; y++)
            for (var x = 0; x < s; x++)
            {
                var t = (x + y) / (2.0 * s);
                double gx = x * grid / (double)s, gy = y * grid / (double)s;
                int ix = (int)gx, iy = (int)gy;
                double fx = gx - ix, fy = gy - iy;
                var blotch = blotches[iy * (grid + 1) + ix] * (1 - fx) * (1 - fy) + blotches[iy * (grid + 1) + ix + 1] * fx * (1 - fy)
                           + blotches[(iy + 1) * (grid + 1) + ix] * (1 - fx) * fy + blotches[(iy + 1) * (grid + 1) + ix + 1] * fx * fy;
                var p = image.Pixel(x, y);
                for (var c = 0; c < 3; c++)
                    p[c] = (byte)Math.Clamp(a[c] * (1 - t) + b[c] * t + blotch + rng.Next(-18, 19), 0, 255);
            }
    }

    /// <summary>A saturated colour, bright enough to stand out of the muted background.</summary>
    private static byte[] Colour(Random rng)
    {
        var hue = rng.NextDouble() * 6;
        var i = (int)hue;
        var f = hue - i;
        var (hi, lo) = (rng.Next(200, 256), rng.Next(0, 60));
        var mid = (int)(lo + (hi - lo) * (i % 2 == 0 ? f : 1 - f));
        return i switch
        {
            0 => [(byte)hi, (byte)mid, (byte)lo], 1 => [(byte)mid, (byte)hi, (byte)lo], 2 => [(byte)lo, (byte)hi, (byte)mid],
            3 => [(byte)lo, (byte)mid, (byte)hi], 4 => [(byte)mid, (byte)lo, (byte)hi], _ => [(byte)hi, (byte)lo, (byte)mid],
        };
    }

    /// <summary>Draws a shape filling the box [x, x+w) × [y, y+h); returns its pixel area.</summary>
    private static int Shape(RgbImage image, int category, int x, int y, int w, int h, byte[] colour, Random rng)
    {
        var thickness = Math.Max(2, Math.Min(w, h) / 6);
        bool Inside(int px, int py)
        {
            double u = (px + 0.5 - x) / w, v = (py + 0.5 - y) / h;   // [0, 1) inside the box
            double ex = 2 * u - 1, ey = 2 * v - 1;
            double tu = thickness / (double)w, tv = thickness / (double)h;
            return category switch
            {
                1 => true,
                2 => u < tu || u > 1 - tu || v < tv || v > 1 - tv,
                3 => ex * ex + ey * ey <= 1,
                4 => ex * ex + ey * ey <= 1 && Math.Pow(ex / (1 - 2 * tu), 2) + Math.Pow(ey / (1 - 2 * tv), 2) > 1,
                5 => Math.Abs(ex) <= v,                                   // apex at the top, base at the bottom
                _ => Math.Abs(ex) < 0.34 || Math.Abs(ey) < 0.34,          // cross
            };
        }
        var area = 0;
        for (var py = y; py < y + h; py++)
            for (var px = x; px < x + w; px++)
                if (Inside(px, py))
                {
                    colour.CopyTo(image.Pixel(px, py));
                    area++;
                }
        return area;
    }

    private static double Iou(int ax, int ay, int aw, int ah, int bx, int by, int bw, int bh)
    {
        var iw = Math.Max(0, Math.Min(ax + aw, bx + bw) - Math.Max(ax, bx));
        var ih = Math.Max(0, Math.Min(ay + ah, by + bh) - Math.Max(ay, by));
        var inter = (double)iw * ih;
        return inter / (aw * ah + bw * bh - inter);
    }

    private static void WriteAnnotations(string path, (string File, List<(int Category, int X, int Y, int W, int H, int Area)> Objects)[] images, int size)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteStartObject("info");
        w.WriteString("description", Description);
        w.WriteEndObject();
        w.WriteStartArray("images");
        for (var i = 0; i < images.Length; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", i + 1);
            w.WriteString("file_name", images[i].File);
            w.WriteNumber("width", size);
            w.WriteNumber("height", size);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("annotations");
        var id = 1;
        for (var i = 0; i < images.Length; i++)
            foreach (var (category, x, y, bw, bh, area) in images[i].Objects)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id++);
                w.WriteNumber("image_id", i + 1);
                w.WriteNumber("category_id", category);
                w.WriteStartArray("bbox");
                w.WriteNumberValue(x); w.WriteNumberValue(y); w.WriteNumberValue(bw); w.WriteNumberValue(bh);
                w.WriteEndArray();
                w.WriteNumber("area", area);
                w.WriteNumber("iscrowd", 0);
                w.WriteEndObject();
            }
        w.WriteEndArray();
        w.WriteStartArray("categories");
        for (var c = 0; c < CategoryNames.Length; c++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", c + 1);
            w.WriteString("name", CategoryNames[c]);
            w.WriteString("supercategory", "shape");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
