using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

public class SemanticHitRulesTests
{
    private static readonly SemanticHitRules Rules = new();

    [Theory]
    [InlineData("How do I reset my password?", "What are the steps to reset my password?")]
    [InlineData("Book a table for 4 people at 7 pm", "Reserve a table at 7 pm for 4 people")]
    [InlineData("Is free shipping available on orders above $50?", "Do orders above $50 get free shipping?")]
    [InlineData("Orders over $50", "orders over $50.00")]
    [InlineData("Transfer 1,000 euros", "Transfer 1000 euros")]
    [InlineData("Keep the logs for five days", "Keep the logs for 5 days")]
    [InlineData("Which flights go from Paris to Rome?", "Show flights to Rome from Paris")]
    [InlineData("What does the \"yield\" keyword do in Python?", "What is the purpose of the \"yield\" keyword in Python?")]
    [InlineData("How do I turn on the lights?", "How can I switch the lights on?")]
    [InlineData("Why doesn't the build start?", "Why won't the build start?")]
    [InlineData("Do I need a visa to visit Japan?", "Is a visa needed to travel to Japan?")]
    [InlineData("Flights to Python conf", "flights to python conf")]
    [InlineData("What is the CPU usage?", "Show me the CPU usage")]
    public void Accepts_rewordings_that_keep_what_changes_the_answer(string prompt, string cached) =>
        Assert.True(Rules.Verify(prompt, cached).IsAccepted, Rules.Verify(prompt, cached).Reason);

    [Theory]
    [InlineData("Book a table for 4 people", "Book a table for 6 people", "number")]
    [InlineData("What was my balance on 3 March?", "What was my balance on 13 March?", "number")]
    [InlineData("Upgrade to version 1.29", "Upgrade to version 1.30", "number")]
    [InlineData("Keep the logs for 7 days", "Keep the logs for 7 weeks", "number")]
    [InlineData("Set the limit to 50%", "Set the limit to 50", "number")]
    [InlineData("Wake me at 6:30", "Wake me at 7:30", "number")]
    [InlineData("Deploy to eu-west-1", "Deploy to us-east-1", "number")]
    [InlineData("Transfer $500 to savings", "Transfer 500 euros to savings", "number")]
    [InlineData("Scale to 5 replicas", "Scale to 5GB", "number")]
    [InlineData("Scale from 5 to 10 replicas", "Scale from 10 to 5 replicas", "number")]
    [InlineData("Is a visa required?", "Is a visa not required?", "negation")]
    [InlineData("I can log in", "I can't log in", "negation")]
    [InlineData("I can log in", "I can’t log in", "negation")]
    [InlineData("Withdraw cash with my card", "Withdraw cash without my card", "negation")]
    [InlineData("Why is the host reachable?", "Why is the host unreachable?", "negation")]
    [InlineData("Search for \"wireless mouse\"", "Search for \"wireless keyboard\"", "quoted")]
    [InlineData("Search for \"Mouse\"", "Search for \"mouse\"", "quoted")]
    [InlineData("Rename \"a\" to \"b\"", "Rename \"b\" to \"a\"", "quoted")]
    [InlineData("Search for 'blue lamp' now", "Search for 'red lamp' now", "quoted")]
    [InlineData("Flights from Madrid to Rome", "Flights from Rome to Madrid", "entity_order")]
    [InlineData("Does Anna report to Tom?", "Does Tom report to Anna?", "entity_order")]
    [InlineData("Transfer money from checking to savings", "Transfer money from savings to checking", "entity_order")]
    [InlineData("Is Rust faster than Go?", "Is Go faster than Rust?", "entity_order")]
    [InlineData("Hotels in Paris for the weekend", "Hotels in Lyon for the weekend", "entity")]
    [InlineData("Call the getUserName method", "Call the getUserId method", "entity")]
    [InlineData("Is the back door locked?", "Is the front door locked?", "entity")]
    [InlineData("Enable autoscaling", "Disable autoscaling", "contrast")]
    [InlineData("List orders over $50", "List orders under $50", "contrast")]
    [InlineData("Sort by price ascending", "Sort by price descending", "contrast")]
    [InlineData("How do I import a module?", "How do I export a module?", "contrast")]
    [InlineData("Encrypt the file", "Decrypt the file", "contrast")]
    [InlineData("Start the vacuum", "Stop the vacuum", "contrast")]
    [InlineData("Turn on the lights", "Turn off the lights", "contrast")]
    [InlineData("Show the status of the door", "Unlock the door and show its status", "contrast")]
    public void Rejects_with_the_reason_of_the_first_check_that_fails(string prompt, string cached, string reason)
    {
        Assert.Equal(reason, Rules.Verify(prompt, cached).Reason);
        Assert.Equal(reason, Rules.Verify(cached, prompt).Reason);
    }

    [Fact]
    public void A_weak_contrast_word_on_one_side_only_is_a_paraphrase_and_a_marked_one_is_not()
    {
        Assert.True(Rules.Verify("How can I reduce the cost of my storage?", "How can I make my storage cheaper?").IsAccepted);
        Assert.Equal("contrast", Rules.Verify("How do I disable the alarm?", "How do I configure the alarm?").Reason);
    }

    [Fact]
    public async Task VerifyAsync_gives_the_same_verdict_as_Verify()
    {
        var verdict = await Rules.VerifyAsync(new SemanticHitCandidate("Start the job", "Stop the job", 0.97f), CancellationToken.None);
        Assert.Equal("contrast", verdict.Reason);
        Assert.True((await Rules.VerifyAsync(new SemanticHitCandidate("Start the job", "Start the job", 1f), CancellationToken.None)).IsAccepted);
    }

    [Fact]
    public void Checks_turned_off_let_their_differences_through()
    {
        var off = new SemanticHitRules(new SemanticHitRulesOptions
        {
            CheckNumbers = false,
            CheckNegation = false,
            CheckQuotedText = false,
            CheckEntities = false,
            CheckContrast = false,
        });

        Assert.True(off.Verify("Book 4 seats", "Book 6 seats").IsAccepted);
        Assert.True(off.Verify("Is it allowed?", "Is it not allowed?").IsAccepted);
        Assert.True(off.Verify("Find \"a\"", "Find \"b\"").IsAccepted);
        Assert.True(off.Verify("Fly from Oslo to Rome", "Fly from Rome to Oslo").IsAccepted);
        Assert.True(off.Verify("Enable the alarm", "Disable the alarm").IsAccepted);
    }

    [Fact]
    public void Added_words_count_like_the_built_in_ones()
    {
        var options = new SemanticHitRulesOptions();
        options.AdditionalContrastPairs["approve"] = "disapprove";
        options.AdditionalContrastPairs["staging"] = "production";
        options.AdditionalNegationWords.Add("lacking");
        options.AdditionalEntities.Add("postgres");
        var rules = new SemanticHitRules(options);

        Assert.Equal("contrast", rules.Verify("Deploy the release to staging today", "Deploy the release to production today").Reason);
        Assert.Equal("contrast", rules.Verify("Deploying to staging servers", "Deploying to production servers").Reason);
        Assert.Equal("negation", rules.Verify("Which rows are lacking an email address?", "Which rows have an email address?").Reason);
        Assert.Equal("entity", rules.Verify("how do I tune postgres for heavy writes", "how do I tune mysql for heavy writes").Reason);
        Assert.Equal("contrast", rules.Verify("Why did they disapprove the change?", "What made them review the change?").Reason);
        Assert.True(Rules.Verify("Why did they disapprove the change?", "What made them review the change?").IsAccepted);
    }

    [Fact]
    public void The_rules_are_read_once()
    {
        var options = new SemanticHitRulesOptions();
        var rules = new SemanticHitRules(options);
        options.CheckNumbers = false;
        options.AdditionalNegationWords.Add("lacking");

        Assert.Equal("number", rules.Verify("Book 4 seats", "Book 6 seats").Reason);
        Assert.NotEqual("negation", rules.Verify("Which rows are lacking an email?", "Which rows are missing an email?").Reason);
    }

    [Fact]
    public void The_cache_options_carry_the_rules_settings_and_leave_the_verifier_to_the_built_in_rules()
    {
        var options = new SemanticCacheOptions();
        Assert.Null(options.Verifier);
        Assert.NotNull(options.Rules);
        Assert.True(options.Rules.CheckNumbers && options.Rules.CheckNegation && options.Rules.CheckQuotedText
            && options.Rules.CheckEntities && options.Rules.CheckContrast);
    }
}
