// AgentCost's rules, each shown firing. Build this project and read the warnings:
//
//   dotnet build samples/DiagnosticsShowcase
//
// Each file holds the code one or two rules are about, with the fix in a comment. docs/rules/COSTnnn.md explains each.
Console.WriteLine("This project shows AgentCost's build diagnostics; build it and read the warnings (COST001-COST014).");
