"""How big a GraphQL document may be, and the checks that refuse the rest before execution.

Sizes are checked on the text (characters) and by the parser (tokens, nesting); the shape
(depth, aliases, directives) is measured on the parsed document before any other
validation, so an abusive document costs a single pass over its syntax tree. Every refusal
is one ``QUERY_TOO_COMPLEX`` error, whatever the number of offending places.

Depth counts levels of fields: ``{ case { crn } }`` is 2 deep. Inline fragments and
fragment spreads add no level; introspection fields (``__schema``, ``__type``) are not
counted. A fragment cycle is unboundedly deep, so it is refused here too. Aliases are
counted as executed: a fragment spread twice counts its aliases twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    visit,
)

from api.settings import Settings
from resolvers.errors import ErrorCode


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """The caps on one document; each one is a setting."""

    max_chars: int = 15000
    max_tokens: int = 2000
    max_depth: int = 8
    max_aliases: int = 15
    max_directives: int = 50

    @classmethod
    def of(cls, settings: Settings) -> DocumentLimits:
        """The limits the settings ask for."""
        return cls(
            max_chars=settings.max_document_chars,
            max_tokens=settings.max_tokens,
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_directives=settings.max_directives,
        )


def too_complex(message: str) -> GraphQLError:
    """The one error a document over a limit gets."""
    return GraphQLError(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value})


def oversized(query: str, limits: DocumentLimits) -> GraphQLError | None:
    """Refuse a document longer than allowed, before reading any of it."""
    if len(query) > limits.max_chars:
        return too_complex(f"The document is longer than {limits.max_chars} characters.")
    return None


def parse_document(query: str, limits: DocumentLimits) -> DocumentNode:
    """The parsed document, or one coded error: too long, too many tokens, or bad syntax.

    The parser's own limits (tokens, nesting) end their message with "Parsing aborted.";
    those are limits, not syntax mistakes, so they get QUERY_TOO_COMPLEX.
    """
    if error := oversized(query, limits):
        raise error
    try:
        return _parse(query, limits.max_tokens)
    except GraphQLSyntaxError as error:
        aborted = error.message.endswith("Parsing aborted.")
        code = ErrorCode.QUERY_TOO_COMPLEX if aborted else ErrorCode.GRAPHQL_PARSE_FAILED
        raise GraphQLError(
            error.message,
            source=error.source,
            positions=error.positions,
            extensions={"code": code.value},
        ) from None


@lru_cache(maxsize=1024)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    """Parsed documents by text: a repeated document is parsed once (errors are not kept)."""
    return parse(query, max_tokens=max_tokens)


def shape_error(document: DocumentNode, limits: DocumentLimits) -> GraphQLError | None:
    """The first limit the document's shape breaks, if any (directives, depth, aliases)."""
    directives = _count_directives(document)
    if directives > limits.max_directives:
        return too_complex(f"The document uses more than {limits.max_directives} directives.")
    walker = _Walker(document, depth_cap=limits.max_depth + 1)
    try:
        depth, aliases = walker.measure_operations()
    except _Cycle:
        return too_complex("The document's fragments form a cycle.")
    except RecursionError:
        return too_complex("The document's fragments are nested too deeply.")
    if depth > limits.max_depth:
        return too_complex(f"The operation is nested deeper than {limits.max_depth} levels.")
    if aliases > limits.max_aliases:
        return too_complex(f"The document uses more than {limits.max_aliases} aliases.")
    return None


class _DirectiveCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        self.count += 1


def _count_directives(document: DocumentNode) -> int:
    counter = _DirectiveCounter()
    visit(document, counter)
    return counter.count


class _Cycle(Exception):
    """A fragment spreads itself, directly or through others."""


class _Walker:
    """Measures depth and executed alias count, each fragment once (memoised).

    Depth stops growing at ``depth_cap``, so a deep document costs no more than a
    just-too-deep one; memoising fragments keeps a fan of spreads linear, not exponential.
    """

    def __init__(self, document: DocumentNode, *, depth_cap: int) -> None:
        self._fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._operations = [
            definition
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ]
        self._cap = depth_cap
        self._memo: dict[str, tuple[int, int]] = {}
        self._on_path: set[str] = set()

    def measure_operations(self) -> tuple[int, int]:
        """The deepest operation's depth and the aliases of all operations together."""
        depth, aliases = 0, 0
        for operation in self._operations:
            op_depth, op_aliases = self._selections(operation.selection_set)
            depth, aliases = max(depth, op_depth), aliases + op_aliases
        return depth, aliases

    def _selections(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        if selection_set is None:
            return 0, 0
        depth, aliases = 0, 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                aliases += 1 if selection.alias else 0
                if selection.name.value.startswith("__"):
                    continue
                below, below_aliases = self._selections(selection.selection_set)
                depth, aliases = max(depth, min(1 + below, self._cap)), aliases + below_aliases
            elif isinstance(selection, InlineFragmentNode):
                below, below_aliases = self._selections(selection.selection_set)
                depth, aliases = max(depth, below), aliases + below_aliases
            elif isinstance(selection, FragmentSpreadNode):
                below, below_aliases = self._fragment(selection.name.value)
                depth, aliases = max(depth, below), aliases + below_aliases
        return depth, aliases

    def _fragment(self, name: str) -> tuple[int, int]:
        if name in self._memo:
            return self._memo[name]
        if name in self._on_path:
            raise _Cycle(name)
        fragment = self._fragments.get(name)
        if fragment is None:  # unknown fragments are left to validation to report
            return 0, 0
        self._on_path.add(name)
        try:
            measured = self._selections(fragment.selection_set)
        finally:
            self._on_path.discard(name)
        self._memo[name] = measured
        return measured
