using System.Diagnostics;
using KkboxNcf.Model.Checkpoints;

namespace KkboxNcf.Faults;

/// <summary>
/// Fault 5. The Trainer's checkpoint folder is a small tmpfs. Once its first checkpoint is there, the
/// rest of the tmpfs is filled, so the next checkpoint writes hit ENOSPC: the previous checkpoint must
/// stay intact (it verifies), no half-written file may stay, the Trainer must log the error, stop
/// refreshing its health file, and end with exit code 1 when even its final checkpoint cannot be
/// written. With the space freed, a restart resumes from the intact checkpoint and trains every listen
/// once. Needs root (mount); without it the fault is reported as not run, with the reason.
/// </summary>
public sealed class DiskFullFault(string dataDirectory, string workRoot, Action<string> say)
{
    public FaultOutcome Outcome { get; } = new("disk full while writing a checkpoint");

    /// <summary>Why the fault could not run here (no root, no tmpfs); null when it ran.</summary>
    public string? NotRun { get; private set; }

    public void Run(double replaySeconds, int seed)
    {
        var expected = ListensAudit.Expected(dataDirectory);
        string work = Path.Combine(workRoot, $"diskfull-{seed}");
        string mount = Path.Combine(work, "tmpfs");
        Directory.CreateDirectory(mount);
        var (code, output) = Exec("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount);
        if (code != 0)
        {
            NotRun = $"could not mount a tmpfs at {mount} (needs root): {output.Trim()}";
            say(NotRun);
            return;
        }
        try
        {
            Run(expected, work, mount, replaySeconds);
        }
        finally
        {
            var (uc, uo) = Exec("umount", mount);
            if (uc != 0) say($"umount {mount} failed: {uo.Trim()}");
        }
    }

    void Run(IReadOnlyList<ListenRecord> expected, string work, string mount, double replaySeconds)
    {
        var checks = new Checks();
        using var p = new Pipeline(dataDirectory, work, expected.Count) { CheckpointsOverride = mount };
        p.Broker.Start();
        string filler = Path.Combine(mount, "filler");
        long kept;
        using (var trainer = p.StartTrainer())
        using (var ingest = p.StartIngest(expected.Count / replaySeconds))
        {
            checks.That(Built.WaitUntil(() => ServiceFaults.Newest(mount).Manifest is not null || trainer.HasExited, TimeSpan.FromSeconds(60)), "no first checkpoint");
            var (first, _) = ServiceFaults.Newest(mount);
            // leave less room than a checkpoint needs
            long free = new DriveInfo(mount).AvailableFreeSpace;
            long size = new FileInfo(Path.Combine(mount, $"ckpt-{first:D10}.kkc")).Length;
            Fill(filler, free - size / 2);
            var (kv, _) = ServiceFaults.Newest(mount);
            kept = kv;
            say($"checkpoint {kept} ({size / 1048576.0:F1} MiB) written; tmpfs filled to {new DriveInfo(mount).AvailableFreeSpace / 1024} KiB free");
            checks.That(ingest.WaitForExit(TimeSpan.FromSeconds(120)) && ingest.ExitCode == 0, "Ingest did not finish");
            checks.That(Built.WaitUntil(() => p.ReadLog("trainer").Contains("could not be written"), TimeSpan.FromSeconds(30)), "the Trainer did not log the failed checkpoint write");
            checks.That(Built.WaitUntil(() => !File.Exists(p.TrainerHealthFile) || DateTime.UtcNow - File.GetLastWriteTimeUtc(p.TrainerHealthFile) > TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15)),
                "the Trainer's health file was still refreshed while checkpoints failed");
            checks.That(trainer.WaitForExit(TimeSpan.FromSeconds(120)) && trainer.ExitCode == 1, $"the Trainer did not end with exit code 1 when its final checkpoint could not be written (exit {(trainer.HasExited ? trainer.ExitCode : -1)})");
        }
        var files = Directory.GetFiles(mount, "ckpt-*");
        checks.That(files.All(f => !f.EndsWith(CheckpointFile.PartialSuffix, StringComparison.Ordinal)), "a half-written checkpoint was left behind");
        var (newest, manifest) = ServiceFaults.Newest(mount);
        checks.That(newest == kept && manifest is not null, $"the newest checkpoint that verifies is {newest}, not the one written before the disk filled ({kept})");

        // space back: a restart resumes from the intact checkpoint and finishes
        File.Delete(filler);
        using (var trainer = p.StartTrainer())
            checks.That(trainer.WaitForExit(TimeSpan.FromSeconds(180)) && trainer.ExitCode == 0, "the Trainer did not finish once space was freed");
        var audit = ListensAudit.Of(p.Broker.Bootstrap, expected);
        var (last, final) = ServiceFaults.Newest(mount);
        long trained = final?.EventsTrained ?? 0, read = final?.Offsets.Values.Sum() ?? 0;
        checks.That(read == audit.Messages, $"the final checkpoint's offsets cover {read:N0} messages, the topic holds {audit.Messages:N0}");
        Outcome.Add(expected.Count - trained, Math.Max(0, (final?.StreamPosition ?? 0) - expected.Count), checks.Failed);
        Outcome.Notes.Add($"checkpoint {kept} stayed intact through ENOSPC; after freeing space checkpoint {last} trained {trained:N0} of {expected.Count:N0}");
    }

    /// <summary>Writes real blocks (a sparse file takes no tmpfs pages) up to about the given size, stopping at ENOSPC.</summary>
    static void Fill(string path, long bytes)
    {
        var block = new byte[1 << 16];
        using var f = new FileStream(path, FileMode.Create);
        try
        {
            for (long written = 0; written < bytes; written += block.Length) f.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
            f.Flush();
        }
        catch (IOException)
        {
        }
    }

    static (int Code, string Output) Exec(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
