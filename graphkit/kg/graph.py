"""Knowledge-graph container: integer triples, the id-to-name maps and inverse edges.

A fact ``(h, r, t)`` with ``R`` relations is stored once in :attr:`KnowledgeGraph.triples`
and twice in the message-passing graph: as the edge ``(h, t)`` of type ``r`` and as the
inverse edge ``(t, h)`` of type ``r + R``. Inverse ids ``R .. 2R-1`` follow the ULTRA
reference code, so the released checkpoints see the graph they were trained on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING

import torch
from torch import Tensor

from graphkit.hints import did_you_mean
from graphkit.kg.aggregate import version_counter
from graphkit.kg.errors import KGFormatError
from graphkit.kg.names import name_key
from graphkit.kg.repeated_facts import dedupe_hint, warn_repeated_facts
from graphkit.kg.triple_rows import check_string_names, triple_rows

if TYPE_CHECKING:
    from torch_geometric.data import Data

    from graphkit.kg.relation_graph import RelationGraph


@dataclass
class KnowledgeGraph:
    """A multi-relational graph of facts with entity and relation names.

    Args:
        triples (LongTensor): facts as ``(head, relation, tail)`` ids, shape ``(T, 3)``.
        entity_names (list[str]): name of each entity id, length ``V``.
        relation_names (list[str]): name of each original relation id, length ``R``.
            Inverse relation ``r + R`` is named ``relation_names[r] + "^-1"``.

    Names are compared in Unicode NFC form (:mod:`graphkit.kg.names`), so two names
    of one list must differ in that form, and a lookup finds a name in either form.

    Shapes:
        ``edge_index``: ``(2, 2T)``, row 0 the head and row 1 the tail of each edge;
        ``edge_type``: ``(2T,)`` with values in ``[0, 2R)``.
    """

    triples: Tensor
    entity_names: list[str]
    relation_names: list[str]
    _entity_ids: dict[str, int] = field(default=None, repr=False)  # type: ignore[assignment]
    _relation_ids: dict[str, int] = field(default=None, repr=False)  # type: ignore[assignment]
    _relation_tensors: RelationGraph | None = field(default=None, repr=False)
    _relation_tensors_key: tuple | None = field(default=None, repr=False)
    _relation_graph: Data | None = field(default=None, repr=False)
    _relation_graph_source: RelationGraph | None = field(default=None, repr=False)
    # The expression the repeated-row warning suggests, fitted to the caller's input.
    _dedupe: InitVar[str] = "triples.unique(dim=0)"

    def __post_init__(self, _dedupe: str) -> None:
        self.triples = check_triples(self.triples)
        self._entity_ids = _index_names(self.entity_names, "entity")
        self._relation_ids = _index_names(self.relation_names, "relation")
        check_id_ranges(
            self.triples,
            self.num_entities,
            self.num_relations,
            "pass a name list that covers every id",
        )
        warn_repeated_facts(
            self.triples, self.num_entities, self.num_relations, _dedupe
        )

    def __repr__(self) -> str:
        # The dataclass repr would print every name, megabytes for a large graph.
        return (
            f"KnowledgeGraph(num_entities={self.num_entities}, "
            f"num_relations={self.num_relations}, num_facts={self.num_facts})"
        )

    # ------------------------------------------------------------------ sizes
    @property
    def num_entities(self) -> int:
        return len(self.entity_names)

    @property
    def num_relations(self) -> int:
        """Number of original relations ``R`` (the graph has ``2R`` edge types)."""
        return len(self.relation_names)

    @property
    def num_facts(self) -> int:
        return int(self.triples.size(0))

    # ------------------------------------------------------------ edge views
    @property
    def edge_index(self) -> Tensor:
        heads, tails = self.triples[:, 0], self.triples[:, 2]
        return torch.stack([torch.cat([heads, tails]), torch.cat([tails, heads])])

    @property
    def edge_type(self) -> Tensor:
        relations = self.triples[:, 1]
        return torch.cat([relations, relations + self.num_relations])

    @property
    def relation_graph(self) -> Data:
        """The relation graph of :func:`build_relation_graph`, cached until the facts
        or the name lists change."""
        tensors = self.relation_tensors()
        if self._relation_graph is None or self._relation_graph_source is not tensors:
            self._relation_graph = tensors.to_pyg()
            self._relation_graph_source = tensors
        return self._relation_graph

    def relation_tensors(self) -> RelationGraph:
        """Return the relation graph as a :class:`~graphkit.kg.relation_graph.RelationGraph`
        (the tensors of :attr:`relation_graph`, without importing ``torch_geometric``),
        cached until the facts or the name lists change."""
        # The key notices a new triples tensor (held, so that its id cannot be
        # reused), an in-place edit of it (which bumps its version counter) and names
        # added to either list.
        key = (
            self.triples,
            version_counter(self.triples),
            self.num_entities,
            self.num_relations,
        )
        cached = self._relation_tensors_key
        if (
            self._relation_tensors is None
            or cached is None
            or cached[0] is not key[0]
            or cached[1:] != key[1:]
        ):
            from graphkit.kg.relation_graph import relation_graph_tensors

            # An in-place edit or a new triples tensor skips the checks of
            # __post_init__, and a bad id would then fail inside torch's sparse code.
            check_id_ranges(
                check_triples(self.triples),
                self.num_entities,
                self.num_relations,
                "kg.triples was changed after the graph was built. Build a new "
                "KnowledgeGraph from the edited triples and name lists",
                label="kg.triples",
            )
            # Built outside inference mode, so that a relation graph first made for a
            # prediction still serves a later training step.
            with torch.inference_mode(False):
                self._relation_tensors = relation_graph_tensors(
                    self.edge_index,
                    self.edge_type,
                    self.num_entities,
                    2 * self.num_relations,
                )
            self._relation_tensors_key = key
        return self._relation_tensors

    def to_pyg(self) -> Data:
        """Return a PyG ``Data`` with inverse edges, ``edge_type`` and ``relation_graph``."""
        from torch_geometric.data import Data

        return Data(
            edge_index=self.edge_index,
            edge_type=self.edge_type,
            num_nodes=self.num_entities,
            num_relations=2 * self.num_relations,
            relation_graph=self.relation_graph,
        )

    # ------------------------------------------------------------ name maps
    def entity_id(self, name: str) -> int:
        """Return the id of entity ``name``.

        Names are compared in NFC form, so a "ü" typed as one character finds an
        entity stored as "u" and a combining diaeresis (NFD), and the reverse.
        """
        # The keys are NFC forms, so a name equal to a key needs no normalizing.
        try:
            return self._entity_ids[name]
        except KeyError:
            found = _find_nfc(
                self._entity_ids, name, "entity", self.entity_names, "entity_names"
            )
            if found is not None:
                return found
            raise KeyError(
                f"entity {name!r} is not in the graph ({self.num_entities} "
                f"entities){name_hint(name, self.entity_names)}. Check the spelling "
                "or add a fact that uses it"
            ) from None

    def relation_id(self, name: str) -> int:
        """Return the id of relation ``name``, matched as :meth:`entity_id` matches."""
        try:
            return self._relation_ids[name]
        except KeyError:
            found = _find_nfc(
                self._relation_ids, name, "relation", self.relation_names,
                "relation_names",
            )
            if found is not None:
                return found
            known = ", ".join(repr(n) for n in self.relation_names[:5])
            raise KeyError(
                f"relation {name!r} is not in the graph"
                f"{name_hint(name, self.relation_names)}. Known relations include "
                f"{known}"
            ) from None

    def encode(
        self,
        named: Iterable[Sequence[str]],
        source: str = "<triples>",
        lines: Sequence[int] | None = None,
    ) -> Tensor:
        """Map ``(head, relation, tail)`` names to ids, shape ``(T, 3)``.

        Raises:
            KGFormatError: a name is not in the graph; the message gives ``source`` and
                the line number (from ``lines``, else the 1-based position).
        """
        rows = []
        for position, row in enumerate(named):
            line = lines[position] if lines is not None else position + 1
            head, relation, tail = _unpack_triple(row, source, line)
            try:
                rows.append(
                    (
                        self.entity_id(head),
                        self.relation_id(relation),
                        self.entity_id(tail),
                    )
                )
            except KeyError as error:
                raise KGFormatError(source, line, error.args[0]) from None
        return torch.tensor(rows, dtype=torch.long).reshape(-1, 3)

    # ---------------------------------------------------------- constructors
    @classmethod
    def from_named_triples(
        cls, named: Iterable[Sequence[str]], relation_names: Sequence[str] | None = None
    ) -> KnowledgeGraph:
        """Build a graph from string triples, numbering names in order of appearance.

        Names with the same NFC form are one entity or relation, named by the first
        spelling in ``relation_names`` or ``named`` (:mod:`graphkit.kg.names`).

        Args:
            named: ``(head, relation, tail)`` strings, or a pandas ``DataFrame`` whose
                three columns are the head, the relation and the tail. Rows are kept
                as given, so a repeated row weighs its fact twice in message passing.
            relation_names (Sequence[str], optional): a fixed relation vocabulary that
                comes first (ids ``0..len-1``); new relations are appended after it.

        Raises:
            KGFormatError: a row is not a triple of strings (an id or a missing value).
        """
        hint = dedupe_hint(named)
        return cls(*number_named_triples(named, relation_names), _dedupe=hint)

    @classmethod
    def from_pyg(
        cls,
        data: Data,
        entity_names: Sequence[str] | None = None,
        relation_names: Sequence[str] | None = None,
        has_inverse: bool = False,
    ) -> KnowledgeGraph:
        """Build a graph from a PyG ``Data`` with ``edge_index`` and ``edge_type``.

        Args:
            data (Data): ``edge_index`` (2, E) with row 0 the head, ``edge_type`` (E,)
                with types in ``[0, data.num_relations)`` when ``num_relations`` is set.
            entity_names, relation_names (Sequence[str], optional): names; default
                ``str(id)``.
            has_inverse (bool): ``True`` when ``data`` already holds the inverse edges
                with types ``R..2R-1`` (as ULTRA's own loaders produce); only the edges
                of type ``< R`` are then kept as facts. (default: ``False``)
        """
        if getattr(data, "edge_type", None) is None:
            raise ValueError(
                "data has no edge_type; a knowledge graph needs one relation "
                "id per edge in data.edge_type, shape (num_edges,)"
            )
        if getattr(data, "edge_index", None) is None:
            raise ValueError(
                "data has no edge_index; a knowledge graph needs the head and tail "
                "of each edge in data.edge_index, shape (2, num_edges). A PyG "
                "dataset stored without it is usually fixed by deleting its "
                "processed/ folder and loading it again"
            )
        edge_index, edge_type = data.edge_index, data.edge_type
        for name, ids in (("edge_index", edge_index), ("edge_type", edge_type)):
            if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
                raise TypeError(
                    f"data.{name} must have an integer dtype, got {ids.dtype}. Convert "
                    f"whole-number ids with data.{name} = data.{name}.long()"
                )
        if edge_type.dim() != 1:
            raise ValueError(
                f"data.edge_type must have shape (num_edges,), found "
                f"{tuple(edge_type.shape)}. Pass one relation id per edge"
            )
        edge_type = edge_type.long()
        if edge_index.dim() != 2 or edge_index.size(0) != 2:
            raise ValueError(
                f"data.edge_index must have shape (2, num_edges), found "
                f"{tuple(edge_index.shape)}"
            )
        if edge_type.numel() != edge_index.size(1):
            raise ValueError(
                f"data.edge_type has {edge_type.numel()} entries but "
                f"edge_index has {edge_index.size(1)} edges"
            )
        num_types = int(getattr(data, "num_relations", 0) or 0)
        if num_types == 0 and edge_type.numel():
            num_types = int(edge_type.max()) + 1
        _check_edge_types(edge_type, num_types)
        num_relations = num_types // 2 if has_inverse else num_types
        if has_inverse and num_types % 2:
            source = (
                "data.num_relations"
                if getattr(data, "num_relations", None)
                else "the largest edge type plus 1, because data.num_relations is not set"
            )
            raise ValueError(
                f"has_inverse=True needs an even number of edge types 2R, found "
                f"{num_types} ({source}). Set data.num_relations to 2R, the number of "
                "relations R plus their inverses, which also counts relations whose "
                "edges are all missing"
            )
        keep = edge_type < num_relations
        triples = torch.stack(
            [edge_index[0, keep], edge_type[keep], edge_index[1, keep]], 1
        )
        if has_inverse:
            _check_inverse_edges(triples, edge_index, edge_type, num_relations)
        num_nodes = data.num_nodes
        names = (
            list(entity_names)
            if entity_names is not None
            else [str(i) for i in range(num_nodes)]
        )
        rel_names = (
            list(relation_names)
            if relation_names is not None
            else [str(i) for i in range(num_relations)]
        )
        return cls(triples, names, rel_names)


def number_named_triples(
    named: Iterable[Sequence[str]], relation_names: Sequence[str] | None = None
) -> tuple[Tensor, list[str], list[str]]:
    """Number the names of string triples as :meth:`KnowledgeGraph.from_named_triples`.

    Returns:
        ``(triples, entity_names, relation_names)``, the arguments of
        :class:`KnowledgeGraph`.
    """
    # Names are numbered by their exact spelling first, and spellings with one
    # NFC form are merged afterwards, so that ASCII names are never normalized.
    entities: dict[str, int] = {}
    relations: dict[str, int] = {}
    if relation_names is not None:
        # A repeated name, or two spellings of one name, would shift the ids of
        # the names after it.
        _index_names(list(relation_names), "relation")
    for name in relation_names or []:
        relations.setdefault(name, len(relations))
    rows = []
    for position, row in enumerate(triple_rows(named)):
        head, relation, tail = _unpack_triple(row, "<triples>", position + 1)
        h = entities.setdefault(head, len(entities))
        r = relations.setdefault(relation, len(relations))
        t = entities.setdefault(tail, len(entities))
        rows.append((h, r, t))
    check_string_names(rows, entities, relations)
    triples = torch.tensor(rows, dtype=torch.long).reshape(-1, 3)
    entity_names, entity_map = _merge_spellings(list(entities))
    relation_names, relation_map = _merge_spellings(list(relations))
    if entity_map is not None:
        triples[:, 0] = entity_map[triples[:, 0]]
        triples[:, 2] = entity_map[triples[:, 2]]
    if relation_map is not None:
        triples[:, 1] = relation_map[triples[:, 1]]
    return triples, entity_names, relation_names


def _check_edge_types(edge_type: Tensor, num_types: int) -> None:
    """Raise ValueError unless every edge type lies in ``[0, num_types)``.

    ``num_types`` comes from ``data.num_relations`` when it is set, and else from
    the largest type. A larger type would otherwise fall outside the kept facts and be
    dropped without an error. A negative type is no relation id, whatever
    ``num_relations`` is.
    """
    if not edge_type.numel():
        return
    low, high = int(edge_type.min()), int(edge_type.max())
    if low < 0:
        raise ValueError(
            f"data.edge_type contains the type {low}, but edge types are relation "
            "ids, which are at least 0. Number the relations from 0"
        )
    if high < num_types:
        return
    raise ValueError(
        f"data.edge_type contains the type {high}, but types must lie in "
        f"[0, {num_types}) because data.num_relations is {num_types}. Set "
        "data.num_relations to the number of edge types, inverse types included "
        "(with inverse edges of types r + R, that is 2R, and pass has_inverse=True)"
    )


def _check_inverse_edges(
    triples: Tensor, edge_index: Tensor, edge_type: Tensor, num_relations: int
) -> None:
    """Raise unless the edges of type ``>= R`` are exactly the facts flipped, type ``r + R``.

    Libraries differ in where inverse relations go. PyKEEN, for one, has numbered
    relation ``r`` as ``2r`` and its inverse as ``2r + 1``. Read as ULTRA's layout,
    such data would keep half of the inverse edges as facts without any error.
    """
    inverse = edge_type >= num_relations
    flipped = torch.stack(
        [
            edge_index[1, inverse],
            edge_type[inverse] - num_relations,
            edge_index[0, inverse],
        ],
        1,
    )
    facts, fact_counts = torch.unique(triples, dim=0, return_counts=True)
    inverses, inverse_counts = torch.unique(flipped, dim=0, return_counts=True)
    if (
        facts.shape == inverses.shape
        and torch.equal(facts, inverses)
        and torch.equal(fact_counts, inverse_counts)
    ):
        return
    raise ValueError(
        f"has_inverse=True expects every edge (h, t) of type r < {num_relations} to "
        f"have an inverse edge (t, h) of type r + {num_relations}, and no other "
        f"edges, but the {int((~inverse).sum())} fact edges and "
        f"{int(inverse.sum())} inverse edges do not match. Renumber the inverse "
        "types to r + R, or pass has_inverse=False when data holds only facts"
    )


def check_triples(triples) -> Tensor:
    """Validate ``triples`` and return them as a CPU long tensor of shape ``(T, 3)``.

    Any empty input becomes ``(0, 3)``. Other shapes are rejected instead of reshaped,
    because reshaping a ``(3, T)`` or flat tensor would silently mix up the facts.
    Ids on a GPU are copied to the CPU, where the name lists and answer filters that
    they index live; :func:`~graphkit.kg.model.fact_graph` moves the message-passing
    tensors to the model's device.
    """
    triples = torch.as_tensor(triples).cpu()
    if triples.numel() == 0:
        return triples.reshape(0, 3).long()
    if (
        triples.is_floating_point()
        or triples.is_complex()
        or triples.dtype == torch.bool
    ):
        # .long() would truncate fractional ids and drop imaginary parts.
        raise TypeError(
            f"triples must have an integer dtype, got {triples.dtype}. Convert "
            "whole-number ids with triples.long()"
        )
    if triples.dim() != 2 or triples.size(1) != 3:
        columns = triples.dim() == 2 and triples.size(0) == 3
        hint = (
            " (transpose facts stored as columns with triples.t())" if columns else ""
        )
        raise ValueError(
            f"triples must have shape (T, 3), got {list(triples.shape)}. Pass one "
            f"(head, relation, tail) row per fact{hint}"
        )
    return triples.long()


def check_id_ranges(
    triples: Tensor,
    num_entities: int,
    num_relations: int,
    hint: str,
    label: str = "",
) -> None:
    """Raise ``ValueError`` when an id of ``triples`` ``(T, 3)`` is out of range.

    Heads and tails must lie in ``[0, num_entities)`` and relations in
    ``[0, num_relations)``. Inverse relation ids ``R .. 2R-1`` are rejected too, because
    a negative or inverse id would otherwise index another row without an error.
    """
    if not triples.numel():
        return
    for column, size, role in (
        (0, num_entities, "head"),
        (1, num_relations, "relation"),
        (2, num_entities, "tail"),
    ):
        low, high = int(triples[:, column].min()), int(triples[:, column].max())
        if low < 0 or high >= size:
            prefix = f"{label}: " if label else ""
            raise ValueError(
                f"{prefix}{role} ids must lie in [0, {size}), found the range "
                f"[{low}, {high}]; {hint}"
            )


def _find_nfc(
    ids: dict[str, int], name, role: str, names: Sequence[str], attribute: str
) -> int | None:
    """Return the id of ``name``'s NFC form in ``ids``, or None when it is not there.

    Raises:
        KeyError: ``name`` is not a string (see :func:`_not_a_name`).
    """
    if not isinstance(name, str):
        raise KeyError(_not_a_name(name, role, names, attribute)) from None
    return ids.get(name_key(name))


def _not_a_name(name, role: str, names: Sequence[str], attribute: str) -> str:
    """Return the error message for an entity or relation (``role``) that is no string.

    The usual cause is an id passed where a name is expected. difflib cannot compare
    such a value with the names, so the message gives no spelling suggestion.
    """
    example = f", such as {names[0]!r}" if names else ""
    return (
        f"{role} {name!r} ({type(name).__name__}) is not in the graph, whose "
        f"{role} names are strings{example}. Pass names, and look up the name of "
        f"id i as kg.{attribute}[i]"
    )


def _unpack_triple(row, source: str, line: int) -> tuple:
    """Return ``row`` as ``(head, relation, tail)``, or raise naming the row."""
    if isinstance(row, (str, bytes)) or len(row) != 3:
        raise KGFormatError(
            source,
            line,
            f"expected a (head, relation, tail) triple, got {row!r}",
        )
    return tuple(row)


def _all_ascii(names: Sequence[str]) -> bool:
    """Return True when every name is an ASCII string, and thus its own NFC form."""
    try:
        return "".join(names).isascii()
    except TypeError:  # a name that is not a str
        return False


def _merge_spellings(names: list) -> tuple[list, Tensor | None]:
    """Merge the names of ``names`` that have one NFC form into one id.

    Returns the names that remain, each in the spelling that comes first in ``names``,
    and a tensor that maps each old id to its new id, or None when no names merge.
    """
    if _all_ascii(names):
        return names, None
    new_ids: dict = {}
    merged = []
    mapping = []
    for name in names:
        key = name_key(name)
        if key not in new_ids:
            new_ids[key] = len(merged)
            merged.append(name)
        mapping.append(new_ids[key])
    if len(merged) == len(names):
        return names, None
    return merged, torch.tensor(mapping, dtype=torch.long)


def _index_names(names: Sequence[str], what: str) -> dict[str, int]:
    """Map the NFC form of each name to its id, or raise for two names of one form.

    Raises:
        TypeError: ``names`` is a single string, whose characters would become the
            names.
    """
    if isinstance(names, (str, bytes)):
        raise TypeError(
            f"{what}_names must be a list of names, got the {type(names).__name__} "
            f"{names[:40]!r}, whose characters would each become a name. Pass one "
            "name per id in a list, such as ['Paris', 'France']"
        )
    index: dict[str, int] = {}
    ascii_names = _all_ascii(names)
    for i, name in enumerate(names):
        key = name if ascii_names else name_key(name)
        if key not in index:
            index[key] = i
            continue
        earlier = index[key]
        if names[earlier] == name:
            raise ValueError(
                f"{what} names must be unique, but {name!r} has ids {earlier} and {i}"
            )
        raise ValueError(
            f"{what} names must be unique, but {names[earlier]!r} (id {earlier}) and "
            f"{name!r} (id {i}) are one name in Unicode normal form NFC, the form "
            "in which names are compared. Rename one of them, or write both in one "
            "form and merge their ids"
        )
    return index


# difflib compares the name with every choice. That took 0.8 s for 100,000 short
# names on a shared 2-core VM, and the time grows linearly with the vocabulary.
FUZZY_HINT_MAX_NAMES = 100_000


def name_hint(name: str, names: Sequence[str]) -> str:
    """Return a "did you mean" hint for an unknown entity or relation ``name``.

    Up to :data:`FUZZY_HINT_MAX_NAMES` names, the closest by difflib's ratio are named.
    Larger vocabularies get only a name that differs from ``name`` in case.
    """
    if len(names) <= FUZZY_HINT_MAX_NAMES:
        return did_you_mean(name, names)
    folded = name.casefold()
    same = [n for n in names if n.casefold() == folded]
    return f" (did you mean {same[0]!r}?)" if same else ""
