// The Postman token walkthrough as a program: the password flow, then the refresh flow, then a data-API call —
// against the built-in recorded-response server by default, or against the real org with --live.
using SfOAuthGen.QuickStart;

return await Walkthrough.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
