"""Batches of any structure: (inputs, targets) tensors, tuple inputs (model(*inputs)), dict inputs
(model(**inputs)), dict batches whose output carries the loss, model.batchLoss of (model, batch),
and a DataLoader used as it comes. For each, the landscape's centre is the loss evaluated directly
(the whole set at once, or the DataLoader's batches weighted by their rows) and the top Hessian
eigenvalues are scipy's eigsh on a double-backprop Hessian-vector product of that direct loss."""

import time
import unittest
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from scipy.sparse.linalg import LinearOperator, eigsh

import helpers  # noqa: F401  (the package on sys.path)
from helpers import ProjectFolder
from landscape_lens import batches
from landscape_lens.errors import ConfigError, UserCodeError
from landscape_lens.loading import load_problem
from landscape_lens.problem import Problem
from landscape_lens.server import Session

MODELS = """
import torch
from torch import nn


class Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, x):
        return self.net(x)


class TwoInputs(nn.Module):
    \"\"\"model(a, b), returning a dict holding the logits.\"\"\"

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 8)
        self.b = nn.Linear(2, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, a, b):
        return {"logits": self.head(torch.tanh(self.a(a) + self.b(b)))}


class Keywords(nn.Module):
    \"\"\"model(features=…, scale=…).\"\"\"

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, features, scale):
        return self.net(features * scale.unsqueeze(1))


class Output:
    \"\"\"An output object as HuggingFace models return: .loss when given labels, .logits.\"\"\"

    def __init__(self, loss, logits):
        self.loss = loss
        self.logits = logits


class Tokens(nn.Module):
    \"\"\"forward(input_ids, attention_mask, labels=None): embeddings pooled over the mask.\"\"\"

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 6)
        self.hidden = nn.Linear(6, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, input_ids, attention_mask, labels=None):
        keep = attention_mask.unsqueeze(-1).to(self.embed.weight.dtype)
        pooled = (self.embed(input_ids) * keep).sum(1) / keep.sum(1)
        logits = self.head(torch.tanh(self.hidden(pooled)))
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return Output(loss, logits)


def pair():
    return Pair()


def two_inputs():
    return TwoInputs()


def keywords():
    return Keywords()


def tokens():
    return Tokens()
"""

DATA = """
import torch
from torch.utils.data import DataLoader, Dataset

ROWS = 30


def _features():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(ROWS, 4, generator=g)
    b = torch.randn(ROWS, 2, generator=g)
    y = ((x[:, 0] > 0).long() + (b[:, 1] > 0.3).long())
    return x, b, y


def _tokens(rows=ROWS, length=7):
    g = torch.Generator().manual_seed(6)
    lengths = torch.randint(2, length + 1, (rows,), generator=g)
    lengths[24:] = lengths[24:].clamp(max=4)  # the last batch of eight is shorter
    ids = torch.randint(1, 10, (rows, length), generator=g)
    items = []
    for i in range(rows):
        n = int(lengths[i])
        items.append({"input_ids": ids[i, :n], "attention_mask": torch.ones(n, dtype=torch.long), "labels": int(ids[i, 0]) % 3})
    return items


def pair():
    x, _, y = _features()
    return x, y


def tuple_inputs():
    x, b, y = _features()
    return (x, b), y


class KeywordItems(Dataset):
    def __len__(self):
        return ROWS

    def __getitem__(self, i):
        x, _, y = _features()
        return {"features": x[i], "scale": 1.0 + 0.1 * float(i % 4)}, y[i]


def dict_inputs():
    return KeywordItems()


class Padded(Dataset):
    \"\"\"Dict items of one length (padded), as a tokenizer with padding="max_length" gives them.\"\"\"

    def __init__(self):
        self.items = _tokens()

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        item = self.items[i]
        n = item["input_ids"].shape[0]
        ids = torch.zeros(7, dtype=torch.long)
        mask = torch.zeros(7, dtype=torch.long)
        ids[:n], mask[:n] = item["input_ids"], 1
        return {"input_ids": ids, "attention_mask": mask, "labels": item["labels"]}


def dict_batches():
    return Padded()


class Weighted(Dataset):
    \"\"\"(input, label, weight) triples, for model.batchLoss.\"\"\"

    def __len__(self):
        return ROWS

    def __getitem__(self, i):
        x, _, y = _features()
        return x[i], y[i], 0.5 + 0.25 * (i % 3)


def weighted():
    return Weighted()


def pad(items):
    \"\"\"Pads each batch to its own longest row, as a DataLoader's collate_fn does.\"\"\"
    length = max(item["input_ids"].shape[0] for item in items)
    ids = torch.zeros(len(items), length, dtype=torch.long)
    mask = torch.zeros(len(items), length, dtype=torch.long)
    for k, item in enumerate(items):
        n = item["input_ids"].shape[0]
        ids[k, :n], mask[k, :n] = item["input_ids"], 1
    return {"input_ids": ids, "attention_mask": mask, "labels": torch.tensor([item["labels"] for item in items])}


def loader():
    return DataLoader(_tokens(), batch_size=8, shuffle=False, collate_fn=pad)


class Huge(Dataset):
    \"\"\"A billion dict items, made on demand.\"\"\"

    def __len__(self):
        return 10**9

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return {"input_ids": torch.randint(1, 10, (7,), generator=g), "attention_mask": torch.ones(7, dtype=torch.long), "labels": i % 3}


def huge():
    return Huge()


class Endless(torch.utils.data.IterableDataset):
    \"\"\"An iterable Dataset that never ends, as a stream reader is.\"\"\"

    def __iter__(self):
        i = 0
        while True:
            yield Huge()[i]
            i += 1


def endless():
    return Endless()


def ragged():
    return _tokens()  # a list of dict items of different lengths, not padded


def with_nan():
    (x, b), y = tuple_inputs()
    b[4, 1] = float("nan")
    return (x, b), y
"""

LOSSES = """
import torch.nn.functional as F


def weighted_loss(model, batch):
    x, y, w = batch
    return (w * F.cross_entropy(model(x), y, reduction="none")).mean()


def broken_loss(model, batch):
    x, y, w = batch
    raise ValueError("no loss for this batch")
"""


def config(factory, data, loss="softmax-cross-entropy", batch_size=7, model=None, **extra):
    model_config = {"pytorch": f"models.py:{factory}", "dtype": "float64"}
    if loss is not None:
        model_config["loss"] = loss
    model_config.update(model or {})
    return {"seed": 0, "model": model_config, "data": {"kind": "pytorch", "factory": f"data.py:{data}", "testFraction": 0, "batchSize": batch_size}, **extra}


def quiet(*_args, **_kwargs):
    return None


def never():
    return False


# ---- direct evaluations, independent of the backend's batches ------------------------------------------
def tokens_loss(model, ids, mask, labels):
    return F.cross_entropy(model(ids, mask).logits, labels)


def direct_loss(form, model, module):
    """The whole-set loss of each form, written out by hand on the factory's raw data."""
    if form == "pair":
        x, y = module.pair()
        return lambda: F.cross_entropy(model(x.double()), y)
    if form == "tuple":
        (x, b), y = module.tuple_inputs()
        return lambda: F.cross_entropy(model(x.double(), b.double())["logits"], y)
    if form == "dict-inputs":
        data = module.KeywordItems()
        x = torch.stack([data[i][0]["features"] for i in range(len(data))]).double()
        scale = torch.tensor([data[i][0]["scale"] for i in range(len(data))], dtype=torch.float64)
        y = torch.stack([data[i][1] for i in range(len(data))])
        return lambda: F.cross_entropy(model(x, scale), y)
    if form == "dict-batch":
        data = module.Padded()
        ids = torch.stack([data[i]["input_ids"] for i in range(len(data))])
        mask = torch.stack([data[i]["attention_mask"] for i in range(len(data))])
        y = torch.tensor([data[i]["labels"] for i in range(len(data))])
        return lambda: tokens_loss(model, ids, mask, y)
    if form == "batch-loss":
        data = module.Weighted()
        x = torch.stack([data[i][0] for i in range(len(data))]).double()
        y = torch.stack([data[i][1] for i in range(len(data))])
        w = torch.tensor([data[i][2] for i in range(len(data))], dtype=torch.float64)
        return lambda: (w * F.cross_entropy(model(x), y, reduction="none")).mean()
    if form == "dataloader":
        listed = list(module.loader())
        rows = sum(int(b["labels"].shape[0]) for b in listed)
        return lambda: sum(tokens_loss(model, b["input_ids"], b["attention_mask"], b["labels"]) * b["labels"].shape[0] / rows for b in listed)
    raise ValueError(form)


FORMS = {
    "pair": config("pair", "pair"),
    "tuple": config("two_inputs", "tuple_inputs"),
    "dict-inputs": config("keywords", "dict_inputs"),
    "dict-batch": config("tokens", "dict_batches", loss=None),
    "batch-loss": config("pair", "weighted", loss=None, model={"batchLoss": "losses.py:weighted_loss"}),
    "dataloader": config("tokens", "loader", loss=None),
}


def top_eigenvalues(model, loss, k=3):
    """scipy's eigsh (largest algebraic) on H·v by double backpropagation of the direct loss."""
    params = [p for p in model.parameters() if p.requires_grad]
    grads = torch.autograd.grad(loss(), params, create_graph=True)
    flat = torch.cat([g.reshape(-1) for g in grads])
    n = flat.numel()

    def matvec(v):
        vector = torch.as_tensor(np.asarray(v).reshape(-1), dtype=torch.float64)
        hv = torch.autograd.grad(flat, params, vector, retain_graph=True)
        return torch.cat([h.reshape(-1) for h in hv]).numpy()

    values = eigsh(LinearOperator((n, n), matvec=matvec, dtype=np.float64), k=k, which="LA", tol=1e-14, return_eigenvectors=False)
    return sorted(values.tolist(), reverse=True)


class BatchFormsTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"models.py": MODELS, "data.py": DATA, "losses.py": LOSSES})
        warnings.filterwarnings("ignore", message="The PyTorch API of nested tensors")

    def tearDown(self):
        self.folder.remove()

    def user_module(self, name):
        import importlib.util

        spec = importlib.util.spec_from_file_location(f"batch_forms_{name}", self.folder.file(name))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def check_form(self, form):
        cfg = {**FORMS[form], "analyses": {"landscape": {"directions": "random", "dimensions": 1, "resolution": 3, "range": [-0.5, 0.5]},
                                          "hessian": {"top": 3, "bottom": 0, "tolerance": 1e-12}}}
        session = Session()
        described = session.initialize({"protocolVersion": 1, "config": cfg, "baseDir": self.folder.path}, quiet, never)
        self.assertEqual(described["data"]["trainRows"], 30)
        model = session.problem.model
        loss = direct_loss(form, model, self.user_module("data.py"))
        with torch.no_grad():
            expected = float(loss())
        landscape = session.landscape({}, quiet, never)["landscape"]
        self.assertEqual(landscape["alphas"][1], 0.0)
        self.assertAlmostEqual(landscape["loss"][1], expected, delta=1e-12)
        self.assertAlmostEqual(session.problem.loss("train"), expected, delta=1e-12)
        hessian = session.hessian({}, quiet, never)["hessian"]
        reference = top_eigenvalues(model, loss)
        found = [pair["value"] for pair in hessian["top"]]
        np.testing.assert_allclose(found, reference, rtol=0, atol=1e-8)
        return session

    def test_tensor_pair(self):
        session = self.check_form("pair")
        self.assertTrue(session.problem.plain)

    def test_tuple_inputs_and_an_output_dict_with_logits(self):
        session = self.check_form("tuple")
        self.assertTrue(session.problem.structured)
        self.assertTrue(session.problem.classification)

    def test_dict_inputs(self):
        self.check_form("dict-inputs")

    def test_dict_batch_with_the_loss_in_the_output(self):
        session = self.check_form("dict-batch")
        self.assertEqual(session.problem.loss_name, "output loss")
        # Token ids stay integers while the model runs in float64.
        first = next(session.problem.batches("train"))
        self.assertEqual(first["input_ids"].dtype, torch.int64)
        self.assertIsNotNone(session.problem.accuracy("train"))

    def test_batch_loss_of_model_and_batch(self):
        session = self.check_form("batch-loss")
        self.assertEqual(session.problem.loss_name, "losses.py:weighted_loss")

    def test_a_dataloader_used_as_it_comes(self):
        session = self.check_form("dataloader")
        shapes = [tuple(b["input_ids"].shape) for b in session.problem.batches("train")]
        self.assertEqual([s[0] for s in shapes], [8, 8, 8, 6])
        self.assertGreater(len({s[1] for s in shapes}), 1)  # each batch padded to its own length

    def test_every_loss_weights_batches_by_their_rows(self):
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 2).double()
        x, y = torch.randn(10, 3, dtype=torch.float64), torch.randint(0, 2, (10,))
        uneven = [((x[:7],), y[:7]), ((x[7:],), y[7:])]  # 7 rows, then 3
        problem = Problem.from_batches(model, uneven, loss_name="softmax-cross-entropy")
        with torch.no_grad():
            self.assertAlmostEqual(problem.loss(), float(F.cross_entropy(model(x), y)), delta=1e-14)
        loss, gradient = problem.loss_and_grad()
        expected = torch.autograd.grad(F.cross_entropy(model(x), y), list(model.parameters()))
        torch.testing.assert_close(gradient, torch.cat([g.reshape(-1) for g in expected]), rtol=0, atol=1e-14)

    def test_training_on_dict_batches(self):
        cfg = {**FORMS["dict-batch"], "training": {"epochs": 4, "batchSize": 8, "optimizer": {"name": "sgd", "lr": 0.5}}}
        session = Session()
        session.initialize({"protocolVersion": 1, "config": cfg, "baseDir": self.folder.path}, quiet, never)
        before = session.problem.loss("train")
        result = session.train({}, quiet, never)
        history = result["training"]["history"]
        self.assertEqual(len(history), 4)
        self.assertLess(history[-1]["loss"], before)
        self.assertAlmostEqual(history[-1]["loss"], session.problem.loss("train"), delta=1e-12)
        self.assertIn("trainAccuracy", history[-1])

    def test_every_analysis_runs_on_dict_batches(self):
        """Power iteration, trace (Hutch++), density, per-module blocks and slices; after training,
        PCA of the path and the interpolation from the initial weights; with the full Hessian,
        forward-over-reverse products and finite differences agreeing with double backprop."""
        cfg = {**FORMS["dataloader"], "training": {"epochs": 3, "batchSize": 8, "optimizer": {"name": "sgd", "lr": 0.5}},
               "analyses": {"hessian": {"top": 2, "bottom": 1, "solver": "power", "tolerance": 1e-9, "trace": {"probes": 6, "method": "hutch++"},
                                        "density": {"probes": 2, "steps": 10}, "layers": True},
                            "landscape": {"directions": "pca", "resolution": 5}}}
        session = Session()
        session.initialize({"protocolVersion": 1, "config": cfg, "baseDir": self.folder.path}, quiet, never)
        session.train({}, quiet, never)
        hessian = session.hessian({}, quiet, never)["hessian"]
        reference = top_eigenvalues(session.problem.model, direct_loss("dataloader", session.problem.model, self.user_module("data.py")), k=2)
        np.testing.assert_allclose([p["value"] for p in hessian["top"]], reference, rtol=1e-6)
        self.assertIn("trace", hessian)
        self.assertIn("density", hessian)
        self.assertEqual({layer["name"] for layer in hessian["layers"]}, {"embed", "hidden", "head"})
        pca = session.landscape({}, quiet, never)["landscape"]
        self.assertTrue(all(v is not None for v in pca["loss"]))
        self.assertEqual(len(pca["trajectory"]["loss"]), 4)
        self.assertAlmostEqual(pca["trajectory"]["loss"][-1], session.problem.loss(), delta=1e-12)  # the path ends at the trained weights
        session.config["analyses"]["landscape"] = {"directions": "interpolation", "resolution": 5, "range": [0, 1]}
        line = session.landscape({}, quiet, never)["landscape"]
        self.assertAlmostEqual(line["loss"][-1], session.problem.loss(), delta=1e-12)
        from landscape_lens.hvp import ForwardOverReverseOperator, FiniteDifferenceOperator, dense_matrix, hessian_operator

        exact = dense_matrix(hessian_operator(session.problem))
        torch.testing.assert_close(dense_matrix(ForwardOverReverseOperator(session.problem)), exact, rtol=0, atol=1e-10)
        torch.testing.assert_close(dense_matrix(FiniteDifferenceOperator(session.problem)), exact, rtol=0, atol=1e-5)

    def test_training_on_a_dataloader_steps_through_its_batches(self):
        cfg = {**FORMS["dataloader"], "training": {"epochs": 3, "batchSize": 8, "optimizer": {"name": "sgd", "lr": 0.5}}}
        session = Session()
        session.initialize({"protocolVersion": 1, "config": cfg, "baseDir": self.folder.path}, quiet, never)
        before = session.problem.loss("train")
        history = session.train({}, quiet, never)["training"]["history"]
        self.assertLess(history[-1]["loss"], before)


class StructuredClusterTest(unittest.TestCase):
    """Structured batches shipped to a Dask LocalCluster of two workers as they were collated: the
    grid and the Hessian's probes equal the local run."""

    @classmethod
    def setUpClass(cls):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise unittest.SkipTest("dask.distributed is not installed")
        from landscape_lens.cluster import Cluster

        cls.folder = ProjectFolder({"models.py": MODELS, "data.py": DATA, "losses.py": LOSSES})
        cls.cluster = Cluster({"local": {"workers": 2}}, log=lambda _m: None)
        cls.cluster.client.wait_for_workers(2, timeout=120)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()
        cls.folder.remove()

    def check(self, form):
        from landscape_lens.cluster import ProbeRunner
        from landscape_lens.hvp import hessian_operator
        from landscape_lens.landscape import run_landscape
        from landscape_lens.spectrum import hutchinson_trace

        cfg = {**FORMS[form], "runtime": {"device": "cpu"},
               "analyses": {"landscape": {"directions": "random", "dimensions": 2, "resolution": 5, "range": [-1, 1]}}}
        problem, loader = load_problem(cfg, self.folder.path)
        local = run_landscape(problem, cfg, loader, quiet, never, workers=1)
        remote = run_landscape(problem, cfg, loader, quiet, never, cluster=self.cluster)
        self.assertTrue(remote["landscape"]["complete"])
        for a, b in zip(local["landscape"]["loss"], remote["landscape"]["loss"]):
            self.assertAlmostEqual(a, b, delta=1e-12 * max(1.0, abs(a)))
        self.assertEqual(local["landscape"].get("accuracy"), remote["landscape"].get("accuracy"))
        with torch.no_grad():  # the centre is the loss the config defines (the batch loss, the output's loss)
            expected = float(direct_loss(form, problem.model, BatchFormsTest.user_module(self, "data.py"))())
        self.assertAlmostEqual(remote["landscape"]["loss"][12], expected, delta=1e-12)
        runner = ProbeRunner(self.cluster, cfg, loader)
        here = hutchinson_trace(hessian_operator(problem), probes=4, seed=5)
        there = hutchinson_trace(hessian_operator(problem), probes=4, seed=5, runner=runner)
        for a, b in zip(here["samples"], there["samples"]):
            self.assertAlmostEqual(a, b, delta=1e-9 * max(1.0, abs(a)))

    def test_dataloader_batches_on_the_cluster_equal_the_local_run(self):
        self.check("dataloader")

    def test_batch_loss_on_the_cluster_equals_the_local_run(self):
        self.check("batch-loss")


class BatchDataTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"models.py": MODELS, "data.py": DATA, "losses.py": LOSSES})

    def tearDown(self):
        self.folder.remove()

    def test_a_billion_items_with_samples_256_load_in_under_a_second(self):
        cfg = config("tokens", "huge", loss=None, batch_size=64)
        cfg["data"]["samples"] = 256
        started = time.perf_counter()
        problem, _ = load_problem(cfg, self.folder.path)
        self.assertLess(time.perf_counter() - started, 1.0)
        self.assertEqual(problem.rows("train") + problem.rows("test"), 256)

    def test_an_endless_iterable_dataset_reads_the_first_samples_items(self):
        cfg = config("tokens", "endless", loss=None, batch_size=16)
        cfg["data"]["samples"] = 40
        problem, _ = load_problem(cfg, self.folder.path)
        self.assertEqual(problem.rows("train") + problem.rows("test"), 40)
        self.assertEqual([batches.rows(b) for b in problem.batches("train")], [16, 16, 8])

    def test_items_that_cannot_be_collated_are_named_with_the_fix(self):
        with self.assertRaises(ConfigError) as caught:
            load_problem(config("tokens", "ragged", loss=None), self.folder.path)
        self.assertIn("cannot be collated into a batch", caught.exception.message)
        self.assertIn("DataLoader with a collate_fn", caught.exception.message)
        self.assertEqual(caught.exception.data["field"], "/data/factory")

    def test_non_finite_values_in_structured_data_are_named(self):
        with self.assertRaises(ConfigError) as caught:
            load_problem(config("two_inputs", "with_nan"), self.folder.path)
        self.assertIn("1 non-finite value", caught.exception.message)
        self.assertIn("(7, 2) float32", caught.exception.message)

    def test_the_seeded_split_works_on_items(self):
        cfg = config("tokens", "dict_batches", loss=None)
        cfg["data"]["testFraction"] = 0.2
        first, _ = load_problem(cfg, self.folder.path)
        again, _ = load_problem(cfg, self.folder.path)
        self.assertEqual((first.rows("train"), first.rows("test")), (24, 6))
        labels = [b["input_ids"] for b in first.batches("test")]
        self.assertTrue(all(torch.equal(a, b["input_ids"]) for a, b in zip(labels, again.batches("test"))))
        # The test items are not the last six: the split is a seeded permutation of the items.
        module = BatchFormsTest.user_module(self, "data.py")
        tail = torch.stack([module.Padded()[i]["input_ids"] for i in range(24, 30)])
        self.assertFalse(torch.equal(torch.cat(labels), tail))

    def test_a_dataloader_holds_out_whole_batches(self):
        cfg = config("tokens", "loader", loss=None)
        cfg["data"]["testFraction"] = 0.25
        problem, _ = load_problem(cfg, self.folder.path)
        self.assertEqual(len(list(problem.batches("test"))), 1)
        self.assertEqual(problem.rows("train") + problem.rows("test"), 30)

    def test_fixed_dropout_masks_hash_every_tensor_of_a_dict_batch(self):
        torch.manual_seed(0)

        class Dropped(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.linear = torch.nn.Linear(4, 3)

            def forward(self, features, scale, labels):
                logits = self.linear(F.dropout(features * scale.unsqueeze(1), 0.5, self.training))
                return {"loss": F.cross_entropy(logits, labels), "logits": logits}

        x = torch.randn(8, 4, dtype=torch.float64)
        one = {"features": x, "scale": torch.ones(8, dtype=torch.float64), "labels": torch.randint(0, 3, (8,))}
        two = {**one, "scale": torch.full((8,), 1.0 + 1e-9, dtype=torch.float64)}  # the same features: only another tensor differs
        problem = Problem.from_batches(Dropped().double(), [one, two], mode="train", seed=3)
        self.assertEqual(problem.loss(), problem.loss())  # one mask per batch at every evaluation
        with torch.no_grad():
            a, b = float(problem.batch_loss(one)), float(problem.batch_loss(two))
        self.assertNotAlmostEqual(a, b, delta=1e-6)  # another batch, another mask

    def test_an_output_we_cannot_read_names_the_shapes_we_support(self):
        module = MODELS + """

class Pairs(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 3)

    def forward(self, x):
        return self.linear(x), x


def pairs():
    return Pairs()
"""
        self.folder.write("models.py", module)
        with self.assertRaises(ConfigError) as caught:
            load_problem(config("pairs", "pair"), self.folder.path)
        self.assertIn("a tuple of 2", caught.exception.message)
        self.assertIn('a dict holding "logits"', caught.exception.message)
        self.assertIn("model.batchLoss", caught.exception.message)

    def test_a_dict_batch_output_without_a_loss_says_what_it_needs(self):
        with self.assertRaises(ConfigError) as caught:
            load_problem(config("keywords", "dict_batches", loss=None), self.folder.path)
        self.assertIn("TypeError", caught.exception.message)  # Keywords takes no input_ids: the call itself fails
        cfg = config("tokens", "dict_batches", loss="softmax-cross-entropy")
        with self.assertRaises(ConfigError) as caught:
            load_problem(cfg, self.folder.path)
        self.assertIn("leave model.loss out", caught.exception.message)

    def test_an_error_in_the_batch_loss_names_the_users_file_and_line(self):
        cfg = config("pair", "weighted", loss=None, model={"batchLoss": "losses.py:broken_loss"})
        with self.assertRaises(UserCodeError) as caught:
            load_problem(cfg, self.folder.path)
        self.assertTrue(caught.exception.message.startswith("losses.py:11: ValueError: no loss for this batch"), caught.exception.message)

    def test_a_batch_loss_that_is_not_a_scalar_is_refused(self):
        self.folder.write("losses.py", LOSSES + "\n\ndef rows_loss(model, batch):\n    x, y, w = batch\n    return F.cross_entropy(model(x), y, reduction=\"none\")\n")
        with self.assertRaises(ConfigError) as caught:
            load_problem(config("pair", "weighted", loss=None, model={"batchLoss": "losses.py:rows_loss"}), self.folder.path)
        self.assertIn("scalar tensor", caught.exception.message)
        self.assertEqual(caught.exception.data["field"], "/model/batchLoss")

    def test_batch_helpers(self):
        batch = {"ids": torch.arange(6).reshape(3, 2), "pair": (torch.ones(3, 4), torch.zeros(3)), "shared": torch.tensor(2.0)}
        self.assertEqual(batches.rows(batch), 3)
        moved = batches.to(batch, torch.device("cpu"), torch.float64)
        self.assertEqual(moved["ids"].dtype, torch.int64)
        self.assertEqual(moved["pair"][0].dtype, torch.float64)
        picked = batches.select(batch, torch.tensor([2, 0]))
        self.assertEqual(picked["ids"].tolist(), [[4, 5], [0, 1]])
        self.assertEqual(float(picked["shared"]), 2.0)
        joined = batches.cat(batches.split(batch, 2))
        self.assertTrue(torch.equal(joined["ids"], batch["ids"]))
        self.assertIsNone(batches.cat([{"ids": torch.zeros(2, 3)}, {"ids": torch.zeros(2, 4)}]))
        self.assertNotEqual(batches.fingerprint(batch), batches.fingerprint({**batch, "pair": (torch.ones(3, 4), torch.ones(3))}))
        # A mapping that is not a dict (a tokenizer's BatchEncoding is a UserDict) is a dict batch.
        from collections import UserDict

        encoding = UserDict({"ids": torch.zeros(2, 3, dtype=torch.long), "scale": torch.ones(2, dtype=torch.float32)})
        self.assertEqual(batches.rows(encoding), 2)
        self.assertEqual(batches.to(encoding, torch.device("cpu"), torch.float64)["scale"].dtype, torch.float64)
        self.assertEqual(batches.form(encoding, False), batches.DICT)
        self.assertEqual(batches.call(lambda ids, scale: ids.shape, encoding), (2, 3))
        self.assertIs(batches.logits(UserDict({"logits": encoding["scale"]})), encoding["scale"])


if __name__ == "__main__":
    unittest.main()
