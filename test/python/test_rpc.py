"""The stdio framing and the progress throttle."""

import io
import json
import math
import time
import unittest

import os
import shutil
import tempfile

import numpy as np
import torch

import helpers  # noqa: F401  (puts the package on sys.path)
from landscape_lens import rpc
from landscape_lens.rpc import ArrayFiles, MessageTooLarge, Progress, encode, read_message


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


class LargeArraysTest(unittest.TestCase):
    """Arrays over the threshold travel as raw float64 files, referenced from the message."""

    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="landscape-rpc-test-")
        self.addCleanup(shutil.rmtree, self.folder, True)

    def read_back(self, reference):
        info = reference["$array"]
        self.assertEqual(os.path.basename(info["file"]), info["file"])
        self.assertEqual(info["dtype"], "float64")
        return np.fromfile(os.path.join(self.folder, info["file"]), dtype="<f8").reshape(info["shape"])

    def test_a_large_matrix_goes_to_a_file_and_small_values_stay_inline(self):
        matrix = [[float(i * 300 + j) for j in range(300)] for i in range(200)]  # 60,000 doubles: 480 KB
        small = [1.5, 2.5]
        message = {"id": 1, "result": {"hessian": {"eigenvectors": matrix, "eigenvalues": small, "method": "exact"}}}
        body = json.loads(encode(message, ArrayFiles(self.folder, threshold_bytes=100_000)).split(b"\r\n\r\n", 1)[1])
        hessian = body["result"]["hessian"]
        self.assertEqual(hessian["eigenvalues"], small)
        self.assertEqual(hessian["method"], "exact")
        self.assertEqual(hessian["eigenvectors"]["$array"]["shape"], [200, 300])
        np.testing.assert_array_equal(self.read_back(hessian["eigenvectors"]), np.array(matrix))

    def test_missing_values_become_nan_and_tensors_are_written_directly(self):
        grid = [None if i % 7 == 0 else i / 3 for i in range(20_000)]
        tensor = torch.arange(30_000, dtype=torch.float32).reshape(100, 300)
        body = json.loads(encode({"loss": grid, "vectors": tensor}, ArrayFiles(self.folder, threshold_bytes=8 * 10_000)).split(b"\r\n\r\n", 1)[1])
        loss = self.read_back(body["loss"])
        self.assertTrue(all(math.isnan(loss[i]) for i in range(0, 20_000, 7)))
        self.assertEqual(loss[1], 1 / 3)
        np.testing.assert_array_equal(self.read_back(body["vectors"]), tensor.double().numpy())

    def test_what_is_not_a_rectangular_array_of_numbers_stays_json(self):
        ragged = [[1.0, 2.0], [3.0]] * 200
        words = ["1.5"] * 400
        flags = [True, False] * 200
        steps = [{"loss": 1.0}] * 400
        message = {"ragged": ragged, "words": words, "flags": flags, "steps": steps}
        body = json.loads(encode(message, ArrayFiles(self.folder, threshold_bytes=1000)).split(b"\r\n\r\n", 1)[1])
        self.assertEqual(body, message)
        self.assertEqual(os.listdir(self.folder), [])

    def test_without_a_folder_arrays_stay_inline(self):
        matrix = [[0.5] * 400] * 400
        body = json.loads(encode({"m": matrix}).split(b"\r\n\r\n", 1)[1])
        self.assertEqual(body, {"m": matrix})

    def test_a_message_over_the_limit_is_refused_not_sent(self):
        limit = rpc.MAX_MESSAGE_BYTES
        rpc.MAX_MESSAGE_BYTES = 10_000
        try:
            with self.assertRaises(MessageTooLarge):
                encode({"steps": [{"loss": 0.123456789}] * 2_000})
            encode({"steps": [{"loss": 0.5}] * 10})
        finally:
            rpc.MAX_MESSAGE_BYTES = limit


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

    def test_flush_sends_what_is_held_at_once(self):
        sent = []
        progress = Progress(sent.append, interval=60)
        progress(0.1, "level 1", {"landscape": {"stride": 4}})
        progress(0.2, "level 2", {"landscape": {"stride": 2}})
        progress.flush()
        self.assertEqual([p["partial"] for p in sent], [{"landscape": {"stride": 4}}, {"landscape": {"stride": 2}}])
        progress(0.9, "after the response")
        self.assertEqual(len(sent), 2)

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
