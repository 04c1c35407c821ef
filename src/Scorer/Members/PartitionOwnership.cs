using KkboxNcf.Contracts;

namespace KkboxNcf.Scorer.Members;

/// <summary>
/// The partitions of the listens topic this instance owns, kept from the assignment callbacks
/// (incrementally: under KIP-848 the assigned handler gets only the newly added partitions, at
/// times none, and the revoked/lost handlers only the removed ones). A member belongs to the
/// partition its listens were read from, else to the one the producers' partitioner puts its key in.
/// </summary>
public sealed class PartitionOwnership(int partitionCount)
{
    readonly HashSet<int> _owned = new();

    public int PartitionCount { get; } = partitionCount;

    public IReadOnlySet<int> Owned => _owned;

    /// <summary>Adds partitions; returns the ones that were not owned before.</summary>
    public IReadOnlySet<int> Add(IEnumerable<int> partitions) => partitions.Where(_owned.Add).ToHashSet();

    /// <summary>Removes partitions; returns the ones that were owned.</summary>
    public IReadOnlySet<int> Remove(IEnumerable<int> partitions) => partitions.Where(_owned.Remove).ToHashSet();

    public int PartitionOf(string msno, MemberActivity activity) =>
        activity.PartitionOf(msno) ?? MemberPartitioner.PartitionOf(msno, PartitionCount);

    public bool Owns(string msno, MemberActivity activity) => _owned.Contains(PartitionOf(msno, activity));
}
