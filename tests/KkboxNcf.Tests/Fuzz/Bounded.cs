namespace KkboxNcf.Tests.Fuzz;

/// <summary>Runs work that must not hang on a pool thread, and fails the test when it takes longer than the bound.</summary>
public static class Bounded
{
    public static T Run<T>(Func<T> work, TimeSpan bound, string what)
    {
        var task = Task.Run(work);
        try
        {
            if (!task.Wait(bound)) throw new TimeoutException($"{what} did not finish in {bound}");
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // the work's own exception, not wrapped, so tests can catch what the reader threw
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
        }
        return task.Result;
    }
}
