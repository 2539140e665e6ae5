using System.Globalization;
using System.Text;
using AgentCost.Caching;
using AgentCost.Interception;

namespace AgentCost.Tests;

/// <summary>A class whose state is in public fields, with a property computed from them.</summary>
public sealed class FieldPoint
{
    public int X;
    public int Y;

    public int Sum => X + Y;
}

/// <summary>A struct whose state is in public fields only.</summary>
public struct FieldCell
{
    public int Row;
    public string? Label;
}

/// <summary>A class with state in both a public field and a public property.</summary>
public sealed class MixedQuery
{
    public string? Text;

    public int Limit { get; set; }
}

public sealed record Filter(string Field, IReadOnlyList<int> Values, Color? Color);

public sealed record Search(string Text, Filter? Filter, Shape? Shape, decimal Budget);

/// <summary>
/// Cache keys against an independent model of the values: over thousands of random argument lists of every supported
/// shape, two lists share a key exactly when the model says they are equal. A shared key for distinct arguments is a
/// wrong answer served from the cache; a different key for equal arguments is a miss that should have been a hit.
/// </summary>
public class CacheKeyPropertyTests
{
    private const int Lists = 6_000;

    // Small domains, so that equal values come up often and distinct ones differ in a single place.
    private static readonly string?[] s_strings = [null, "", "a", "b", "ab", "a\0", "é", "e\u0301", "日本", "🙂", " ", "A"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Distinct_arguments_never_share_a_key_and_equal_arguments_always_do(int seed)
    {
        var random = new Random(seed);
        var keyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var modelOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Lists; i++)
        {
            var arguments = new (object? Value, string Model)[random.Next(1, 4)];
            for (var a = 0; a < arguments.Length; a++)
            {
                arguments[a] = NextValue(random, depth: 0);
            }

            var model = string.Join("|", arguments.Select(argument => argument.Model));
            var key = Keys.Of((ref CacheKeyBuilder builder) =>
            {
                foreach (var argument in arguments)
                {
                    builder.Add(argument.Value);
                }
            });

            if (keyOf.TryGetValue(model, out var earlier))
            {
                Assert.True(earlier == key, $"Equal arguments got different keys: {model}");
            }
            else
            {
                keyOf[model] = key;
            }

            if (modelOf.TryGetValue(key, out var other))
            {
                Assert.True(other == model, $"Distinct arguments share a key:\n  {other}\n  {model}");
            }
            else
            {
                modelOf[key] = model;
            }
        }

        // The domains are small enough that many lists repeat: both directions were exercised.
        Assert.InRange(keyOf.Count, Lists / 20, Lists - (Lists / 20));
    }

    [Fact]
    public void Classes_with_state_in_public_fields_are_keyed_by_their_fields()
    {
        Assert.NotEqual(Keys.Of(new FieldPoint { X = 1, Y = 2 }), Keys.Of(new FieldPoint { X = 2, Y = 1 }));
        Assert.Equal(Keys.Of(new FieldPoint { X = 1, Y = 2 }), Keys.Of(new FieldPoint { X = 1, Y = 2 }));
        Assert.NotEqual(Keys.Of(new FieldCell { Row = 1, Label = "a" }), Keys.Of(new FieldCell { Row = 1, Label = "b" }));
        Assert.NotEqual(Keys.Of(new MixedQuery { Text = "a", Limit = 1 }), Keys.Of(new MixedQuery { Text = "b", Limit = 1 }));
    }

    // A random value and its model: a text that is equal for two values exactly when they must share a key.
    private static (object? Value, string Model) NextValue(Random random, int depth)
    {
        var shape = random.Next(depth < 2 ? 30 : 22);
        switch (shape)
        {
            case 0:
                return (null, "null");
            case 1:
                var text = s_strings[random.Next(s_strings.Length)];
                return (text, text is null ? "null" : Str(text));
            case 2:
                var i32 = random.Next(-2, 3);
                return (i32, "i32:" + Num(i32));
            case 3:
                long i64 = random.Next(-2, 3) * (random.Next(2) == 0 ? 1 : long.MaxValue / 3);
                return (i64, "i64:" + Num(i64));
            case 4:
                var flag = random.Next(2) == 0;
                return (flag, "bool:" + flag);
            case 5:
                var c = "aé\0"[random.Next(3)];
                return (c, "char:" + (int)c);
            case 6:
                var d = new[] { 0.0, -0.0, 1.0, 0.1 + 0.2, 0.3, double.NaN, double.PositiveInfinity, double.Epsilon }[random.Next(8)];
                return (d, "f64:" + BitConverter.DoubleToInt64Bits(d));
            case 7:
                var f = new[] { 0f, -0f, 1f, float.NaN }[random.Next(4)];
                return (f, "f32:" + BitConverter.SingleToInt32Bits(f));
            case 8:
                var m = new[] { 0m, 1m, 1.0m, 1.00m, -1m, 0.1m, decimal.MaxValue }[random.Next(7)];
                return (m, "dec:" + string.Join(",", decimal.GetBits(m)));
            case 9:
                return random.Next(3) switch
                {
                    0 => (Color.Red, "enum:Color:1"),
                    1 => (Color.Green, "enum:Color:2"),
                    _ => (Size.Small, "enum:Size:1"),
                };
            case 10:
                var guid = new Guid(random.Next(3), 0, 0, new byte[8]);
                return (guid, "guid:" + guid);
            case 11:
                var ticks = random.Next(3) * TimeSpan.TicksPerDay;
                var kind = (DateTimeKind)random.Next(3);
                return (new DateTime(ticks, kind), $"date:{ticks}:{kind}");
            case 12:
                var offset = TimeSpan.FromHours(random.Next(2));
                var moment = new DateTimeOffset(TimeSpan.TicksPerDay * 800_000, offset);
                return (moment, $"dto:{moment.Ticks}:{offset.Ticks}");
            case 13:
                var span = TimeSpan.FromSeconds(random.Next(3));
                return (span, "span:" + span.Ticks);
            case 14:
                var day = DateOnly.FromDayNumber(random.Next(3));
                return (day, "day:" + day.DayNumber);
            case 15:
                var time = new TimeOnly(random.Next(3) * TimeSpan.TicksPerSecond);
                return (time, "time:" + time.Ticks);
            case 16:
                // Nullable values box to the value or to null, as a nullable parameter passes them.
                int? nullable = random.Next(3) == 0 ? null : random.Next(2);
                return (nullable, nullable is null ? "null" : "i32:" + Num(nullable.Value));
            case 17:
                var bytes = Enumerable.Range(0, random.Next(3)).Select(_ => (byte)random.Next(2)).ToArray();
                return (bytes, "bytes:" + Convert.ToHexString(bytes));
            case 18:
                var shapeValue = random.Next(2) == 0 ? (Shape)new Circle(s_strings[random.Next(1, 4)]!) : new Square(s_strings[random.Next(1, 4)]!);
                return (shapeValue, ShapeModel(shapeValue));
            case 19:
                var point = new FieldPoint { X = random.Next(3), Y = random.Next(3) };
                return (point, $"FieldPoint{{X={point.X},Y={point.Y}}}");
            case 20:
                var cell = new FieldCell { Row = random.Next(2), Label = s_strings[random.Next(4)] };
                return (cell, $"FieldCell{{Row={cell.Row},Label={StrOrNull(cell.Label)}}}");
            case 21:
                var mixed = new MixedQuery { Text = s_strings[random.Next(4)], Limit = random.Next(2) };
                return (mixed, $"MixedQuery{{Text={StrOrNull(mixed.Text)},Limit={mixed.Limit}}}");
            case 22 or 23:
                // Arrays and lists of the same items share a key: a sequence is keyed by its items.
                var items = Enumerable.Range(0, random.Next(4)).Select(_ => NextValue(random, depth + 1)).ToList();
                object sequence = random.Next(2) == 0 ? items.Select(item => item.Value).ToArray() : items.Select(item => item.Value).ToList();
                return (sequence, "seq[" + string.Join(";", items.Select(item => item.Model)) + "]");
            case 24:
                var numbers = Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(2)).ToList();
                object list = random.Next(2) == 0 ? numbers.ToArray() : numbers;
                return (list, "seq[" + string.Join(";", numbers.Select(n => "i32:" + Num(n))) + "]");
            case 25:
                var filter = NextFilter(random);
                return (filter, FilterModel(filter));
            case 26:
                var search = new Search(
                    s_strings[random.Next(1, 5)]!,
                    random.Next(2) == 0 ? null : NextFilter(random),
                    random.Next(3) switch { 0 => null, 1 => new Circle("c"), _ => new Square("c") },
                    new[] { 1m, 1.0m, 2m }[random.Next(3)]);
                return (search, $"Search{{Text={Str(search.Text)},Filter={(search.Filter is null ? "null" : FilterModel(search.Filter))},Shape={(search.Shape is null ? "null" : ShapeModel(search.Shape))},Budget={string.Join(",", decimal.GetBits(search.Budget))}}}");
            case 27:
                // Dictionaries are keyed by their entries in enumeration order, as any sequence is by its items (so an
                // empty dictionary and an empty list share a key, as an int[] and a List<int> with equal items do).
                var dictionary = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var name in Enumerable.Range(0, random.Next(3)).Select(_ => s_strings[random.Next(1, 5)]!).Distinct())
                {
                    dictionary[name] = random.Next(2);
                }

                return (dictionary, "seq[" + string.Join(";", dictionary.Select(entry => "kvp:" + Str(entry.Key) + "=" + entry.Value)) + "]");
            case 28:
                var tuple = (random.Next(2), s_strings[random.Next(4)]);
                return (tuple, $"tuple{{{tuple.Item1},{StrOrNull(tuple.Item2)}}}");
            default:
                var drawing = new Drawing(random.Next(2) == 0 ? new Circle("a") : new Square("a"));
                return (drawing, "Drawing{" + ShapeModel(drawing.Shape) + "}");
        }
    }

    private static Filter NextFilter(Random random)
        => new(
            s_strings[random.Next(1, 4)]!,
            Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(2)).ToArray(),
            random.Next(3) switch { 0 => null, 1 => Color.Red, _ => Color.Green });

    private static string FilterModel(Filter filter)
        => $"Filter{{Field={Str(filter.Field)},Values=[{string.Join(";", filter.Values)}],Color={(filter.Color is null ? "null" : ((int)filter.Color).ToString(CultureInfo.InvariantCulture))}}}";

    private static string ShapeModel(Shape shape) => shape.GetType().Name + "{" + Str(shape.Name) + "}";

    private static string Str(string text) => "s" + text.Length + ":" + Convert.ToHexString(Encoding.UTF8.GetBytes(text));

    private static string StrOrNull(string? text) => text is null ? "null" : Str(text);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
