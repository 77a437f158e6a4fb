// The C++ anchor: the fastest plausible Hydra-shaped router on libzmq, to measure others against.
// A ROUTER (ZMQ_ROUTER_MANDATORY, high-water mark 10,000) receives [identity, body], finds
// "target":"..." by a byte scan and sends [target, body], passing the received body on as it is
// (zero-copy). A ping to HydraRouter gets a pong and a heartbeat a heartbeat_reply, so peers'
// warm-up works. No JSON parsing, no checks, no error replies: an unknown or full target is dropped.
// Usage: anchor_router [endpoint]   (default tcp://127.0.0.1:5757; prints "READY <endpoint>")
#include <zmq.h>
#include <cstdio>
#include <cstring>
#include <string_view>

// The string value of "key" (quotes included in key); allows the blanks Python puts after the colon.
static std::string_view field(std::string_view frame, std::string_view key) {
    size_t at = frame.find(key);
    if (at == std::string_view::npos) return {};
    at = frame.find_first_not_of(" :", at + key.size());
    if (at == std::string_view::npos || frame[at] != '"') return {};
    size_t end = frame.find('"', at + 1);
    return end == std::string_view::npos ? std::string_view{} : frame.substr(at + 1, end - at - 1);
}

int main(int argc, char** argv) {
    const char* endpoint = argc > 1 ? argv[1] : "tcp://127.0.0.1:5757";
    void* ctx = zmq_ctx_new();
    void* router = zmq_socket(ctx, ZMQ_ROUTER);
    int one = 1, hwm = 10000;
    zmq_setsockopt(router, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(router, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(router, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_bind(router, endpoint) != 0) { fprintf(stderr, "bind %s: %s\n", endpoint, zmq_strerror(zmq_errno())); return 1; }
    char bound[256]; size_t bound_len = sizeof bound;
    zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, bound, &bound_len);
    printf("READY %s\n", bound); fflush(stdout);

    zmq_msg_t id, body; zmq_msg_init(&id); zmq_msg_init(&body);
    char reply[512];
    while (zmq_msg_recv(&id, router, 0) >= 0 && zmq_msg_recv(&body, router, 0) >= 0) {
        while (zmq_msg_more(&body)) zmq_msg_recv(&body, router, 0);  // Hydra messages are one frame
        std::string_view frame(static_cast<const char*>(zmq_msg_data(&body)), zmq_msg_size(&body));
        std::string_view target = field(frame, "\"target\"");
        if (target == "HydraRouter") {
            std::string_view method = field(frame, "\"method\"");
            const char* answer = method == "ping" ? "pong" : method == "heartbeat" ? "heartbeat_reply" : nullptr;
            if (!answer || zmq_msg_size(&id) > 255) continue;
            int n = snprintf(reply, sizeof reply, "{\"sender\":\"HydraRouter\",\"target\":\"%.*s\",\"method\":\"%s\",\"payload\":{},\"protocol_version\":1}",
                             static_cast<int>(zmq_msg_size(&id)), static_cast<const char*>(zmq_msg_data(&id)), answer);
            if (zmq_msg_send(&id, router, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) zmq_send(router, reply, n, ZMQ_DONTWAIT);
        } else if (zmq_send(router, target.data(), target.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) {
            zmq_msg_send(&body, router, ZMQ_DONTWAIT);  // libzmq takes the received buffer: no copy
        }
    }
    fprintf(stderr, "anchor_router: %s\n", zmq_strerror(zmq_errno()));
    return 1;
}
