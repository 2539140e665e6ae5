namespace AgentCost.Caching;

/// <summary>
/// A binary heap laid out in a caller's span whose top is the worst match: the few best of a stream are kept in
/// O(log k) per item and without allocation, then sorted in place, most similar first.
/// </summary>
/// <remarks>
/// Between equal similarities the larger id is the worse, so the order of the results does not depend on where the
/// vectors happen to sit in an index. A heap of negated similarities has the best match on top, which is how the
/// approximate index keeps its candidates to expand.
/// </remarks>
internal static class SemanticMatchHeap
{
    /// <summary>Keeps <paramref name="match"/> if the heap has room or it is better than the worst kept.</summary>
    public static void Offer(Span<SemanticMatch> heap, ref int count, SemanticMatch match)
    {
        if (count < heap.Length)
        {
            Push(heap, ref count, match);
        }
        else if (IsWorse(heap[0], match))
        {
            ReplaceTop(heap, count, match);
        }
    }

    public static void Push(Span<SemanticMatch> heap, ref int count, SemanticMatch match)
    {
        var at = count++;
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            if (!IsWorse(match, heap[parent]))
            {
                break;
            }

            heap[at] = heap[parent];
            at = parent;
        }

        heap[at] = match;
    }

    public static SemanticMatch Pop(Span<SemanticMatch> heap, ref int count)
    {
        var top = heap[0];
        count--;
        if (count > 0)
        {
            SiftDown(heap, count, heap[count]);
        }

        return top;
    }

    public static void ReplaceTop(Span<SemanticMatch> heap, int count, SemanticMatch match) => SiftDown(heap, count, match);

    /// <summary>Heap sort: the worst goes to the end each round, which leaves the span most similar first.</summary>
    public static void SortDescending(Span<SemanticMatch> heap, int count)
    {
        for (var end = count - 1; end > 0; end--)
        {
            var worst = heap[0];
            SiftDown(heap, end, heap[end]);
            heap[end] = worst;
        }
    }

    /// <summary>Sorts <paramref name="items"/> in place, most similar first.</summary>
    public static void Sort(Span<SemanticMatch> items)
    {
        for (var count = 0; count < items.Length;)
        {
            Push(items, ref count, items[count]);
        }

        SortDescending(items, items.Length);
    }

    public static bool IsWorse(SemanticMatch a, SemanticMatch b)
        => a.Similarity < b.Similarity || (a.Similarity == b.Similarity && a.Id > b.Id);

    private static void SiftDown(Span<SemanticMatch> heap, int count, SemanticMatch match)
    {
        var at = 0;
        while (true)
        {
            var child = (at << 1) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && IsWorse(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!IsWorse(heap[child], match))
            {
                break;
            }

            heap[at] = heap[child];
            at = child;
        }

        heap[at] = match;
    }
}
