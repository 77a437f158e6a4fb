// A C++ load generator for Hydra-shaped routers (hydra router, anchor_router, any forwarder that
// routes on "target"). Kept to plain libzmq so that what it measures is the router, not itself.
//
// Throughput (default): N sender->receiver DEALER pairs, one thread each, keep at most --window
// messages in flight per pair; the receiver checks order, gaps and duplicates. Prints one JSON line.
//   loadgen --router tcp://127.0.0.1:5757 --pairs 1 --size 100 --seconds 3 [--window 400] [--runs 3]
// Round trip: client -> router -> echo peer -> router -> client, one message in flight.
//   loadgen --mode roundtrip --router tcp://127.0.0.1:5757 [--size 100] [--count 10000] [--warmup 1000] [--runs 3]
// With --runs N the pairs run N times back to back and the line gives every run and the median.
// Across a cluster: --receiver-router ENDPOINT connects the receivers (and the echo peer) to another
// router than the senders (and the client); before traffic each sender sends probes until one reaches
// its receiver, since its router learns where the receiver is only from the receiver's router.
// --names PREFIX starts every peer name with PREFIX, so that a run never reuses a name another run left
// on another router. --wait-for-go prints "ready" once every peer is connected (and reached), then waits
// for a line on standard input: the caller can read the routers' counters around the measured part only.
// Exit status: 0 clean, 1 a message was lost, duplicated, reordered or answered with an error, 2 bad usage or no router.
//
// Frames are valid Hydra messages of about --size bytes:
//   {"sender":"s1","target":"r1","method":"load","payload":{"seq":"0000000042","pad":"xx…"},"protocol_version":1}
// seq is a fixed-width string (JSON numbers may not have leading zeros) patched in place before each send.
#include <sys/resource.h>
#include <zmq.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSeqDigits = 10;
constexpr std::string_view kSeqKey = "\"seq\":\"";

struct Options {
    std::string mode = "throughput";
    std::string router = "tcp://127.0.0.1:5757";
    std::string receiver_router;  // empty: the same as router
    std::string names;            // prefix of every peer name
    bool wait_for_go = false;
    int pairs = 1, size = 100, window = 400, runs = 1, io_threads = 1, count = 10000, warmup = 1000;
    double seconds = 3, drain = 5;
};

[[noreturn]] void usage(const char* why) {
    fprintf(stderr, "loadgen: %s\nusage: loadgen [--mode throughput|roundtrip] [--router ENDPOINT] [--receiver-router ENDPOINT] [--pairs N]\n"
                    "               [--size BYTES] [--seconds S] [--window N] [--runs N] [--io-threads N] [--count N] [--warmup N]\n"
                    "               [--names PREFIX] [--wait-for-go]\n", why);
    exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string_view a = argv[i];
        if (a == "--wait-for-go") { o.wait_for_go = true; continue; }
        if (i + 1 >= argc) usage(("missing value for " + std::string(a)).c_str());
        const char* v = argv[++i];
        if (a == "--mode") o.mode = v;
        else if (a == "--router") o.router = v;
        else if (a == "--receiver-router") o.receiver_router = v;
        else if (a == "--names") o.names = v;
        else if (a == "--pairs") o.pairs = atoi(v);
        else if (a == "--size") o.size = atoi(v);
        else if (a == "--seconds") o.seconds = atof(v);
        else if (a == "--window") o.window = atoi(v);
        else if (a == "--runs") o.runs = atoi(v);
        else if (a == "--io-threads") o.io_threads = atoi(v);
        else if (a == "--count") o.count = atoi(v);
        else if (a == "--warmup") o.warmup = atoi(v);
        else usage(("unknown option " + std::string(a)).c_str());
    }
    if (o.mode != "throughput" && o.mode != "roundtrip") usage("--mode is throughput or roundtrip");
    if (o.pairs < 1 || o.window < 1 || o.runs < 1 || o.count < 1 || o.seconds <= 0) usage("counts must be positive");
    if (o.receiver_router.empty()) o.receiver_router = o.router;
    return o;
}

// A frame of about `size` bytes from sender to target; seq_at is where the digits start.
std::string frame(const std::string& sender, const std::string& target, const char* method, int size, size_t& seq_at) {
    std::string head = "{\"sender\":\"" + sender + "\",\"target\":\"" + target + "\",\"method\":\"" + method +
                       "\",\"payload\":{\"seq\":\"" + std::string(kSeqDigits, '0') + "\",\"pad\":\"";
    std::string tail = "\"},\"protocol_version\":1}";
    seq_at = head.size() - kSeqDigits - 9;  // back over: digits + "," + "pad":"
    int pad = std::max(0, size - static_cast<int>(head.size() + tail.size()));
    return head + std::string(pad, 'x') + tail;
}

// CPU seconds this process has used so far (every thread, libzmq's I/O thread included).
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void write_seq(char* digits, uint64_t seq) {
    for (int i = kSeqDigits - 1; i >= 0; i--, seq /= 10) digits[i] = static_cast<char>('0' + seq % 10);
}

// The seq in a received frame (found by key: a router may re-serialise), or -1.
int64_t read_seq(std::string_view f) {
    size_t at = f.find(kSeqKey);
    if (at == std::string_view::npos || f.size() < at + kSeqKey.size() + kSeqDigits) return -1;
    int64_t seq = 0;
    for (char c : f.substr(at + kSeqKey.size(), kSeqDigits)) {
        if (c < '0' || c > '9') return -1;
        seq = seq * 10 + (c - '0');
    }
    return seq;
}

bool is_router_answer(std::string_view f) {  // a late pong from the warm-up, not traffic
    return f.find("\"pong\"") != std::string_view::npos || f.find("\"heartbeat_reply\"") != std::string_view::npos;
}

void* dealer(void* ctx, const std::string& id, const std::string& router) {
    void* s = zmq_socket(ctx, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(s, ZMQ_ROUTING_ID, id.data(), id.size());
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_connect(s, router.c_str()) != 0) { fprintf(stderr, "loadgen: connect %s: %s\n", router.c_str(), zmq_strerror(zmq_errno())); exit(2); }
    return s;
}

// Pings the router until it answers, so the socket is connected and known before traffic starts
// (a ROUTER drops messages for a routing id it has not seen yet).
bool warm_up(void* s, const std::string& id) {
    std::string ping = "{\"sender\":\"" + id + "\",\"target\":\"HydraRouter\",\"method\":\"ping\",\"payload\":{},\"protocol_version\":1}";
    auto give_up = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < give_up) {
        zmq_send(s, ping.data(), ping.size(), ZMQ_DONTWAIT);
        zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 200) > 0) {
            zmq_msg_t m; zmq_msg_init(&m);
            zmq_msg_recv(&m, s, 0);
            bool pong = is_router_answer({static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m)});
            zmq_msg_close(&m);
            if (pong) return true;
        }
    }
    fprintf(stderr, "loadgen: %s: no pong from the router within 10 s\n", id.c_str());
    return false;
}

// Drops whatever arrives on s until it has been quiet for 50 ms.
void drain(void* s, zmq_msg_t& m) {
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    while (zmq_poll(&item, 1, 50) > 0) zmq_msg_recv(&m, s, ZMQ_DONTWAIT);
}

// Across routers: sends a probe from `from` to `target` until one arrives at `to`. Until the target's
// router has told the sender's router about the target, the sender's router answers with an error.
bool probe(void* from, void* to, const std::string& sender, const std::string& target) {
    std::string f = "{\"sender\":\"" + sender + "\",\"target\":\"" + target + "\",\"method\":\"probe\",\"payload\":{},\"protocol_version\":1}";
    auto give_up = Clock::now() + std::chrono::seconds(10);
    zmq_msg_t m; zmq_msg_init(&m);
    bool arrived = false;
    while (!arrived && Clock::now() < give_up) {
        zmq_send(from, f.data(), f.size(), ZMQ_DONTWAIT);
        zmq_pollitem_t item = {to, 0, ZMQ_POLLIN, 0};
        arrived = zmq_poll(&item, 1, 100) > 0;
    }
    drain(to, m);    // later copies of the probe
    drain(from, m);  // the errors that said "not yet", so that none is counted in the run
    zmq_msg_close(&m);
    if (!arrived) fprintf(stderr, "loadgen: %s: no probe reached %s within 10 s\n", sender.c_str(), target.c_str());
    return arrived;
}

// --wait-for-go: says so, then waits for the caller's line.
void ready_and_wait(const Options& o) {
    if (!o.wait_for_go) return;
    printf("ready\n");
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) exit(2);  // the caller went away
}

struct PairResult { uint64_t sent = 0, received = 0, errors = 0, gaps = 0, dups = 0; double seconds = 0; std::string first_error; };

// One sender->receiver pair on one thread; both sockets belong to it.
struct Pair {
    void *sender, *receiver;
    std::string out;
    size_t seq_at = 0;
    uint64_t next_seq = 0, expected = 0;

    std::string s, r;
    bool across;  // receiver on another router

    Pair(void* ctx, const Options& o, int i) : s(o.names + "s" + std::to_string(i)), r(o.names + "r" + std::to_string(i)), across(o.receiver_router != o.router) {
        receiver = dealer(ctx, r, o.receiver_router);
        sender = dealer(ctx, s, o.router);
        out = frame(s, r, "load", o.size, seq_at);
    }
    bool warm() { return warm_up(receiver, r) && warm_up(sender, s) && (!across || probe(sender, receiver, s, r)); }

    PairResult run(const Options& o) {
        PairResult res;
        auto start = Clock::now(), last = start;
        auto stop_sending = start + std::chrono::duration<double>(o.seconds);
        auto give_up = stop_sending + std::chrono::duration<double>(o.drain);
        zmq_msg_t m; zmq_msg_init(&m);
        for (;;) {
            auto now = Clock::now();
            bool sending = now < stop_sending;
            if ((!sending && res.received + res.errors >= res.sent) || now > give_up) break;
            int moved = 0;
            // A DONTWAIT send can fail with fewer than the high-water mark queued (libzmq hears of the
            // reader's progress in batches); it is simply tried again after the next poll.
            while (sending && res.sent - res.received < static_cast<uint64_t>(o.window) && moved < 256) {
                write_seq(&out[seq_at], next_seq);
                if (zmq_send(sender, out.data(), out.size(), ZMQ_DONTWAIT) < 0) break;
                next_seq++; res.sent++; moved++;
            }
            for (int n = 0; n < 1024 && zmq_msg_recv(&m, receiver, ZMQ_DONTWAIT) >= 0; n++, moved++) {
                std::string_view f(static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m));
                if (is_router_answer(f)) continue;
                check(read_seq(f), res);
                last = Clock::now();
            }
            while (zmq_msg_recv(&m, sender, ZMQ_DONTWAIT) >= 0) {  // anything for the sender is an error reply
                std::string_view f(static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m));
                if (is_router_answer(f)) continue;
                if (res.errors++ == 0) res.first_error.assign(f.substr(0, 200));
            }
            if (moved == 0) {  // nothing to do: wait for the receiver (or room to send) instead of spinning
                bool want_out = sending && res.sent - res.received < static_cast<uint64_t>(o.window);
                zmq_pollitem_t items[2] = {{receiver, 0, ZMQ_POLLIN, 0}, {sender, 0, static_cast<short>(ZMQ_POLLIN | (want_out ? ZMQ_POLLOUT : 0)), 0}};
                zmq_poll(items, 2, 20);
            }
        }
        zmq_msg_close(&m);
        res.seconds = std::chrono::duration<double>(last - start).count();
        return res;
    }

    void check(int64_t seq, PairResult& res) {
        res.received++;
        if (seq < 0 || static_cast<uint64_t>(seq) < expected) { res.dups++; return; }  // duplicate, late or unreadable
        res.gaps += static_cast<uint64_t>(seq) - expected;
        expected = static_cast<uint64_t>(seq) + 1;
    }

    ~Pair() { zmq_close(sender); zmq_close(receiver); }
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string list(const std::vector<double>& v, int decimals) {
    std::string s = "[";
    char buf[64];
    for (size_t i = 0; i < v.size(); i++) { snprintf(buf, sizeof buf, "%s%.*f", i ? "," : "", decimals, v[i]); s += buf; }
    return s + "]";
}

std::string json_escape(const std::string& s) {
    std::string r;
    for (char c : s) { if (c == '"' || c == '\\') r += '\\'; if (static_cast<unsigned char>(c) >= 0x20) r += c; }
    return r;
}

int throughput(void* ctx, const Options& o) {
    std::vector<Pair*> pairs;
    for (int i = 1; i <= o.pairs; i++) pairs.push_back(new Pair(ctx, o, i));
    std::mutex mu; std::condition_variable cv;
    int ready = 0, run_no = -1; bool ok = true;
    double cpu_start = 0;
    std::vector<std::vector<PairResult>> results(o.runs, std::vector<PairResult>(o.pairs));
    std::vector<std::thread> threads;
    for (int i = 0; i < o.pairs; i++) {
        threads.emplace_back([&, i] {
            bool warm = pairs[i]->warm();
            for (int r = 0; r < o.runs; r++) {
                { std::unique_lock<std::mutex> l(mu); ready++; if (!warm) ok = false; cv.notify_all(); cv.wait(l, [&] { return run_no >= r; }); }
                if (!ok) return;
                results[r][i] = pairs[i]->run(o);
            }
        });
    }
    for (int r = 0; r < o.runs; r++) {  // every pair starts each run together
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return ready == o.pairs * (r + 1); });
        if (r == 0 && ok) { ready_and_wait(o); cpu_start = cpu_seconds(); }
        run_no = r; cv.notify_all();
        if (!ok) break;  // a pair could not warm up: every thread returns
    }
    for (auto& t : threads) t.join();
    double cpu = cpu_seconds() - cpu_start;  // the runs only: its own cost per message shows whether it is the limit
    if (!ok) {  // sockets closed first: zmq_ctx_term waits for every socket
        for (auto* p : pairs) delete p;
        return 2;
    }

    std::vector<double> rates;
    PairResult total;
    for (auto& run : results) {
        uint64_t received = 0; double seconds = 0;
        for (auto& p : run) {
            received += p.received; seconds = std::max(seconds, p.seconds);
            total.sent += p.sent; total.received += p.received; total.errors += p.errors; total.gaps += p.gaps; total.dups += p.dups;
            if (total.first_error.empty()) total.first_error = p.first_error;
        }
        rates.push_back(seconds > 0 ? received / seconds : 0);
    }
    uint64_t lost = total.sent - std::min(total.sent, total.received + total.errors);
    bool clean = lost == 0 && total.errors == 0 && total.gaps == 0 && total.dups == 0;
    printf("{\"mode\":\"throughput\",\"router\":\"%s\",\"receiver_router\":\"%s\",\"pairs\":%d,\"size\":%d,\"frame_bytes\":%zu,\"window\":%d,\"seconds\":%g,"
           "\"runs\":%s,\"msg_per_s\":%.0f,\"sent\":%llu,\"received\":%llu,\"lost\":%llu,\"gaps\":%llu,\"dup_or_reordered\":%llu,"
           "\"errors\":%llu,\"first_error\":\"%s\",\"cpu_s\":%.3f,\"clean\":%s}\n",
           o.router.c_str(), o.receiver_router.c_str(), o.pairs, o.size, pairs[0]->out.size(), o.window, o.seconds, list(rates, 0).c_str(), median(rates),
           (unsigned long long)total.sent, (unsigned long long)total.received, (unsigned long long)lost, (unsigned long long)total.gaps,
           (unsigned long long)total.dups, (unsigned long long)total.errors, json_escape(total.first_error).c_str(), cpu, clean ? "true" : "false");
    for (auto* p : pairs) delete p;
    return clean ? 0 : 1;
}

int roundtrip(void* ctx, const Options& o) {
    size_t seq_at = 0, echo_seq_at = 0;
    std::string c = o.names + "c1", e = o.names + "e1";
    std::string request = frame(c, e, "load", o.size, seq_at);
    std::string answer = frame(e, c, "load_reply", o.size, echo_seq_at);
    void* echo = dealer(ctx, e, o.receiver_router);
    void* client = dealer(ctx, c, o.router);
    bool warm = warm_up(echo, e) && warm_up(client, c) &&
                (o.receiver_router == o.router || (probe(client, echo, c, e) && probe(echo, client, e, c)));  // both ways
    if (!warm) {  // sockets closed first: zmq_ctx_term waits for every socket
        zmq_close(client); zmq_close(echo);
        return 2;
    }
    ready_and_wait(o);
    int timeout = 5000;
    zmq_setsockopt(client, ZMQ_RCVTIMEO, &timeout, sizeof timeout);

    std::atomic<bool> stop{false};
    std::thread echoer([&] {  // answers each request with a frame of the same size and seq, addressed back
        int poll_ms = 100;
        zmq_setsockopt(echo, ZMQ_RCVTIMEO, &poll_ms, sizeof poll_ms);
        zmq_msg_t m; zmq_msg_init(&m);
        while (!stop.load(std::memory_order_relaxed)) {
            if (zmq_msg_recv(&m, echo, 0) < 0) continue;
            std::string_view f(static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m));
            size_t at = f.find(kSeqKey);
            if (at == std::string_view::npos || is_router_answer(f)) continue;
            memcpy(&answer[echo_seq_at], f.data() + at + kSeqKey.size(), kSeqDigits);
            zmq_send(echo, answer.data(), answer.size(), 0);
        }
        zmq_msg_close(&m);
    });

    std::vector<double> p50, p90, p99, p999;
    uint64_t seq = 0, errors = 0;
    zmq_msg_t m; zmq_msg_init(&m);
    for (int r = 0; r < o.runs && errors == 0; r++) {
        std::vector<double> us;
        us.reserve(o.count);
        for (int i = 0; i < o.warmup + o.count; i++, seq++) {
            write_seq(&request[seq_at], seq);
            auto t0 = Clock::now();
            zmq_send(client, request.data(), request.size(), 0);
            int64_t got = -1;
            while (zmq_msg_recv(&m, client, 0) >= 0) {
                std::string_view f(static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m));
                if (!is_router_answer(f)) { got = read_seq(f); break; }
            }
            auto t1 = Clock::now();
            if (got != static_cast<int64_t>(seq)) { errors++; fprintf(stderr, "loadgen: round trip %llu: got %lld\n", (unsigned long long)seq, (long long)got); break; }
            if (i >= o.warmup) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        }
        if (errors) break;
        std::sort(us.begin(), us.end());
        auto pct = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
        p50.push_back(pct(0.50)); p90.push_back(pct(0.90)); p99.push_back(pct(0.99)); p999.push_back(pct(0.999));
    }
    zmq_msg_close(&m);
    stop = true;
    echoer.join();
    zmq_close(client); zmq_close(echo);
    if (errors) return 1;
    printf("{\"mode\":\"roundtrip\",\"router\":\"%s\",\"receiver_router\":\"%s\",\"size\":%d,\"frame_bytes\":%zu,\"count\":%d,\"runs\":%d,"
           "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"p50_runs\":%s,\"p99_runs\":%s}\n",
           o.router.c_str(), o.receiver_router.c_str(), o.size, request.size(), o.count, o.runs, median(p50), median(p90), median(p99), median(p999),
           list(p50, 1).c_str(), list(p99, 1).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    void* ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_IO_THREADS, o.io_threads);
    int rc = o.mode == "roundtrip" ? roundtrip(ctx, o) : throughput(ctx, o);
    zmq_ctx_term(ctx);
    return rc;
}
