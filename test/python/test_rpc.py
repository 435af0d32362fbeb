"""The stdio framing and the progress throttle."""

import io
import json
import math
import time
import unittest

import helpers  # noqa: F401  (puts the package on sys.path)
from landscape_lens.rpc import Progress, encode, read_message


class FramingTest(unittest.TestCase):
    def test_round_trip_of_several_messages(self):
        messages = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"text": "ünïcode ✓", "values": [1.5, -2]}},
            {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}},
        ]
        stream = io.BytesIO(b"".join(encode(m) for m in messages))
        self.assertEqual(read_message(stream), messages[0])
        self.assertEqual(read_message(stream), messages[1])
        self.assertIsNone(read_message(stream))

    def test_content_length_counts_bytes_not_characters(self):
        frame = encode({"text": "λ"})
        header, body = frame.split(b"\r\n\r\n", 1)
        self.assertEqual(int(header.split(b":")[1]), len(body))
        self.assertGreater(len(body), len(body.decode("utf-8")))

    def test_other_headers_are_skipped(self):
        body = json.dumps({"id": 7, "result": None}).encode()
        stream = io.BytesIO(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.assertEqual(read_message(stream), {"id": 7, "result": None})

    def test_nan_and_infinity_become_null(self):
        body = encode({"loss": [1.0, math.nan, math.inf]}).split(b"\r\n\r\n", 1)[1]
        self.assertEqual(json.loads(body), {"loss": [1.0, None, None]})

    def test_truncated_body_is_end_of_input(self):
        self.assertIsNone(read_message(io.BytesIO(b"Content-Length: 50\r\n\r\n{\"a\":")))


class ProgressTest(unittest.TestCase):
    def test_throttles_and_keeps_the_newest_partial(self):
        sent = []
        progress = Progress(sent.append, interval=60)
        progress(0.1, "first", {"landscape": {"stride": 4}})
        progress(0.2, "second", {"landscape": {"stride": 2}})
        progress(0.3, "third")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["partial"], {"landscape": {"stride": 4}})
        progress._last = 0  # the interval has passed
        progress(0.4, "fourth")
        self.assertEqual(sent[1]["message"], "fourth")
        self.assertEqual(sent[1]["partial"], {"landscape": {"stride": 2}})
        progress.close()

    def test_a_held_partial_goes_out_when_the_interval_has_passed(self):
        sent = []
        progress = Progress(sent.append, interval=0.2)
        progress(0.1, "level 1", {"landscape": {"stride": 4}})
        progress(0.2, "level 2", {"landscape": {"stride": 2}})
        self.assertEqual(len(sent), 1)
        time.sleep(0.5)
        self.assertEqual(len(sent), 2, "sent by the timer, without another report")
        self.assertEqual(sent[1]["partial"], {"landscape": {"stride": 2}})
        progress.close()

    def test_close_drops_what_is_held(self):
        sent = []
        progress = Progress(sent.append, interval=0.2)
        progress(0.1, "level 1", {"landscape": {"stride": 4}})
        progress(0.2, "level 2", {"landscape": {"stride": 2}})
        progress.close()
        time.sleep(0.4)
        progress(0.9, "after the response")
        self.assertEqual(len(sent), 1)


if __name__ == "__main__":
    unittest.main()
