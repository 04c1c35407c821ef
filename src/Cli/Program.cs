using KkboxNcf.Cli;

// The command-line tool behind ./kkbox for everything that is not a long-running service:
// data generation, offline evaluation, benchmarks, reports and reading recommendations.
// before anything loads libtorch (see OpenMpWaitPolicy)
KkboxNcf.Model.Runtime.OpenMpWaitPolicy.PreferPassive();
return await CommandLine.RunAsync(args);
