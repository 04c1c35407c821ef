using KkboxNcf.Cli;

// The command-line tool behind ./kkbox for everything that is not a long-running service:
// data generation, offline evaluation, benchmarks, reports and reading recommendations.
return await CommandLine.RunAsync(args);
