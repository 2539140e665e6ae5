using System.Text;
using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

public class SemanticHitRulesHostileInputTests
{
    private static readonly SemanticHitRules Rules = new();
    private static readonly string?[] Verdicts = [null, "quoted", "number", "negation", "contrast", "entity", "entity_order"];

    [Theory]
    [InlineData("", "")]
    [InlineData("", "How do I reset my password?")]
    [InlineData("   \t\r\n ", "?!.,;:")]
    [InlineData("\"", "'")]
    [InlineData("\"unclosed quote", "\"unclosed quote")]
    [InlineData("'''''''''", "``````")]
    [InlineData("«»«»«", "“”“")]
    [InlineData("$", "$$$ %%% °°°")]
    [InlineData("1e308 999999999999999999999999999999999999", "0.0.0.0.0")]
    [InlineData("...1,2,3,,,4..5", "-1 -2 +3")]
    [InlineData("v2v3v4 a1b2c3 ORD-00012 utf8", "V2V3V4 A1B2C3 ord-00012 UTF8")]
    [InlineData("日本へのフライト", "東京から大阪まで")]
    [InlineData("Ünïcödé Çafé naïve résumé", "ÜNÏCÖDÉ çafé")]
    [InlineData("😀 emoji 👍🏽 and ZWJ 👨‍👩‍👧", "🏳️‍🌈")]
    [InlineData("\u0000\u0001\uFFFF\uD800", "\uDC00\uD83D")]
    [InlineData("İstanbul ıi", "istanbul II")]
    [InlineData("don't can't won't n't '", "'s 's ' s")]
    [InlineData("from to from to from to", "to to to from")]
    [InlineData("A B C D E F G H", "H G F E D C B A")]
    public void Never_throws_on_odd_text(string prompt, string cached)
    {
        Assert.Contains(Rules.Verify(prompt, cached).Reason, Verdicts);
        Assert.Contains(Rules.Verify(cached, prompt).Reason, Verdicts);
        Assert.True(Rules.Verify(prompt, prompt).IsAccepted);
    }

    [Fact]
    public void Null_prompts_read_as_empty()
    {
        Assert.True(Rules.Verify(null, null).IsAccepted);
        Assert.True(Rules.Verify(null, "").IsAccepted);
        Assert.Equal("number", Rules.Verify(null, "Book 4 seats").Reason);
    }

    [Fact]
    public void Identical_prompts_are_accepted_whatever_they_hold()
    {
        const string prompt = "Move $5 from \"A\" to B, not C, and disable 2FA";
        Assert.True(Rules.Verify(prompt, prompt).IsAccepted);
        Assert.True(Rules.Verify(prompt, new string(prompt.AsSpan())).IsAccepted);
    }

    [Fact]
    public void Case_does_not_change_plain_words_but_does_change_quoted_text()
    {
        Assert.True(Rules.Verify("HOW DO I RESET MY PASSWORD", "how do i reset my password").IsAccepted);
        Assert.Equal("quoted", Rules.Verify("Find \"Error\"", "Find \"ERROR\"").Reason);
    }

    [Fact]
    public void Numbers_inside_words_and_ids_compare_as_written()
    {
        Assert.Equal("number", Rules.Verify("Restart pod web-7f9c", "Restart pod web-7f9d").Reason);
        Assert.Equal("number", Rules.Verify("Open ticket #4521", "Open ticket #4512").Reason);
        Assert.True(Rules.Verify("Open ticket #4521 please", "Please open ticket #4521").IsAccepted);
        Assert.Equal("number", Rules.Verify("Use IPv4", "Use IPv6").Reason);
    }

    [Fact]
    public void A_100_KB_prompt_of_every_kind_of_token_is_read_in_one_pass()
    {
        var builder = new StringBuilder();
        var pieces = new[] { "Flights from Paris to Rome ", "\"quoted ", "don't ", "$50.00 ", "enable ", "v1.2.3 ", "'a ", "« ", "x_y ", "😀 " };
        for (var i = 0; builder.Length < 100_000; i++)
        {
            builder.Append(pieces[i % pieces.Length]);
        }

        var huge = builder.ToString();
        Assert.True(Rules.Verify(huge, huge + " ").IsAccepted);
        Assert.False(Rules.Verify(huge, huge + " 7").IsAccepted);
    }

    [Fact]
    public void Many_unclosed_quote_marks_do_not_make_the_scan_quadratic()
    {
        // 50,000 opening marks with no closing one: each search would scan to the end if the first failure were not kept.
        var marks = string.Concat(Enumerable.Repeat(" 'a", 25_000)) + string.Concat(Enumerable.Repeat(" \"b", 25_000));
        Assert.True(Rules.Verify(marks, marks + ".").IsAccepted);
    }

    [Fact]
    public void Random_text_never_throws_and_always_gives_a_known_verdict()
    {
        var random = new Random(13);
        const string alphabet = "aZ9 .,;:'\"`«»“”‘’$€%°-_/@#+!?\n\t()[]öß日😀\uD800";
        for (var run = 0; run < 2_000; run++)
        {
            var a = RandomText(random, alphabet);
            var b = random.Next(3) == 0 ? a : RandomText(random, alphabet);
            var verdict = Rules.Verify(a, b);
            Assert.Contains(verdict.Reason, Verdicts);
            Assert.Equal(verdict.IsAccepted, verdict.Reason is null);
        }
    }

    private static string RandomText(Random random, string alphabet)
    {
        var chars = new char[random.Next(0, 80)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
