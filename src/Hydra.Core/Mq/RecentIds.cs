namespace Hydra.Mq;

/// <summary>A bounded set of the most recent ids (oldest forgotten first). Thread-safe.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly HashSet<string> _ids = [];
    private readonly Queue<string> _order = new();
    private readonly object _gate = new();

    public void Add(string id)
    {
        lock (_gate)
        {
            if (!_ids.Add(id))
            {
                return;
            }
            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }
        }
    }

    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _ids.Contains(id);
        }
    }
}
