using System.Globalization;
using AgentCost.Routing;

namespace ResearchAgent;

/// <summary>Renders a <see cref="RoutingReport"/> for the console: calls per tier and model, and the cost saved against the strongest tier.</summary>
public static class RoutingReportPrinter
{
    public static void Print(RoutingReport report, TextWriter output)
    {
        output.WriteLine("Where routing sent the model calls");
        output.WriteLine("----------------------------------");
        var strongest = report.StrongestModel ?? "(none)";
        output.WriteLine($"{"tier",-8} {"model",-14} {"calls",5} {"input",7} {"output",7} {"cost",11} {"on " + strongest,11}");
        foreach (var line in report.Lines)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{line.Tier,-8} {line.Model,-14} {line.Calls,5} {line.InputTokens,7:N0} {line.OutputTokens,7:N0} {Money(line.Cost),11} {Money(line.CostAtStrongest),11}"));
        }

        var share = report.CostAtStrongest == 0 ? 0 : report.Saved / report.CostAtStrongest;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Routing saved {Money(report.Saved)} ({share:P0}) against sending every routed call to {strongest}; {report.Fallbacks} fallbacks, {report.FailedCalls} failed calls."));
        if (report.UnpricedCalls > 0)
        {
            output.WriteLine($"{report.UnpricedCalls} calls went to models without a price; they are left out of the costs.");
        }
    }

    private static string Money(decimal dollars) => "$" + dollars.ToString("0.000000", CultureInfo.InvariantCulture);
}
