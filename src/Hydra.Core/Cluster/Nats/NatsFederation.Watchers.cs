namespace Hydra.Cluster.Nats;

// Publishes that did not complete at once (NATS.Net's buffer was full, or it was flushing) are
// waited for without a closure or task each: a watcher keeps its continuation delegate and is reused.
internal sealed partial class NatsFederation
{
    private sealed class PublishWatchers(NatsFederation owner)
    {
        private readonly Stack<Watcher> _free = new();

        public void Watch(ValueTask task, int length)
        {
            Watcher? watcher;
            lock (_free)
            {
                _free.TryPop(out watcher);
            }
            (watcher ?? new Watcher(this)).Start(task, length);
        }

        private void Return(Watcher watcher)
        {
            lock (_free)
            {
                _free.Push(watcher);
            }
        }

        private sealed class Watcher
        {
            private readonly PublishWatchers _pool;
            private readonly Action _completed;
            private ValueTask _task;
            private int _length;

            public Watcher(PublishWatchers pool)
            {
                _pool = pool;
                _completed = Completed;
            }

            public void Start(ValueTask task, int length)
            {
                _task = task;
                _length = length;
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_completed);
            }

            private void Completed()
            {
                Exception? failure = null;
                try
                {
                    _task.GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    failure = e;
                }
                var length = _length;
                _task = default;
                _pool.Return(this);
                _pool.Owner.OnPublished(failure, length);
            }
        }

        private NatsFederation Owner => owner;
    }
}
