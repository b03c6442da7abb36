using Detr.Runtime.Imaging;

namespace Detr.Runtime.Tests.Imaging;

public class BitmapFontTests
{
    private static readonly byte[] Red = [255, 0, 0];

    private static RgbImage Blank(int w = 40, int h = 20) => new(w, h);

    private static HashSet<(int X, int Y)> Lit(RgbImage image)
    {
        var lit = new HashSet<(int, int)>();
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image.Pixel(x, y)[0] != 0) lit.Add((x, y));
        return lit;
    }

    [Fact]
    public void A_dash_is_one_row_of_five_pixels_and_a_bar_one_column_of_seven()
    {
        var dash = Blank();
        BitmapFont.Draw(dash, 3, 2, "-", Red);
        Assert.Equal(Enumerable.Range(3, 5).Select(x => (x, 2 + 3)).ToHashSet(), Lit(dash));    // the glyph's middle row
        var bar = Blank();
        BitmapFont.Draw(bar, 3, 2, "|", Red);
        Assert.Equal(Enumerable.Range(2, 7).Select(y => (3 + 2, y)).ToHashSet(), Lit(bar));     // the glyph's middle column
    }

    [Fact]
    public void Characters_advance_by_six_pixels_and_scale_into_squares()
    {
        var one = Blank(80, 30);
        BitmapFont.Draw(one, 0, 0, "a1", Red);
        var two = Blank(80, 30);
        BitmapFont.Draw(two, 0, 0, "a1", Red, scale: 2);
        var expected = Lit(one).SelectMany(p => new[] { (2 * p.X, 2 * p.Y), (2 * p.X + 1, 2 * p.Y), (2 * p.X, 2 * p.Y + 1), (2 * p.X + 1, 2 * p.Y + 1) }).ToHashSet();
        Assert.Equal(expected, Lit(two));
        var second = Blank(80, 30);
        BitmapFont.Draw(second, 6, 0, "1", Red);
        Assert.Equal(Lit(one).Where(p => p.X >= 6).ToHashSet(), Lit(second));                  // '1' starts one advance in
        Assert.Equal((22, 14), BitmapFont.Measure("a1", 2));
        Assert.Equal((0, 7), BitmapFont.Measure("", 1));
    }

    [Fact]
    public void Text_past_the_edges_is_clipped_and_unknown_characters_draw_as_a_question_mark()
    {
        var image = Blank(8, 8);
        BitmapFont.Draw(image, -3, -2, "WW", Red, scale: 2);
        Assert.NotEmpty(Lit(image));
        var unknown = Blank();
        BitmapFont.Draw(unknown, 0, 0, "é", Red);
        var question = Blank();
        BitmapFont.Draw(question, 0, 0, "?", Red);
        Assert.Equal(Lit(question), Lit(unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitmapFont.Draw(image, 0, 0, "a", Red, scale: 0));
    }
}
