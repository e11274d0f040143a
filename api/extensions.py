"""The schema extensions every request runs through, in order, built from settings.

First the request metrics (first in, last out: they see the errors as the client
will), then the trusted-documents gate (it may swap an id for its document), then the rule that
hides introspection, then parsing and validation within the limits (both cached: a
repeated document is parsed and validated once), then error masking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, validate
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from api.errors import MaskInternalErrors, with_code
from api.limits import DocumentLimits, parse_document, shape_error
from api.request_metrics import OperationNames, RequestMetrics
from api.settings import Settings
from api.trusted_documents import TrustedDocumentGate, TrustedDocuments
from api.write_routing import MutationsReadFromPrimary
from executor import planner_extension
from resolvers.errors import ErrorCode

ExtensionFactory = Callable[[], Any] | type

MAX_VALIDATION_ERRORS = 10
"""Validation stops after this many errors (the client is shown the first)."""


def schema_extensions(settings: Settings) -> list[ExtensionFactory]:
    """Extension factories (never shared instances: each request gets its own).

    The trusted-documents manifest is read here, once: a bad one fails at start-up.
    """
    rules: list[type[ASTValidationRule]] = (
        [] if settings.introspection else [NoSchemaIntrospectionCustomRule]
    )
    documents = TrustedDocuments.load(settings.trusted_documents)
    limits = DocumentLimits.of(settings)
    suggestions = settings.field_suggestions
    names = OperationNames.of(documents)
    measured = [lambda: RequestMetrics(names)] if settings.metrics_enabled else []
    return [
        *measured,
        lambda: TrustedDocumentGate(documents),
        lambda: AddValidationRules(rules),
        lambda: GuardedDocument(limits, suggestions=suggestions),
        lambda: MaskInternalErrors(suggestions=suggestions),
        MutationsReadFromPrimary,
        *([planner_extension()] if settings.planner else []),
    ]


class GuardedDocument(SchemaExtension):
    """Parses and validates within the limits; every error it returns carries a code.

    Parsing refuses oversized documents before reading them. Validation first measures
    the shape (directives, depth, aliases) in one pass and stops there if a limit is
    broken, so the costlier rules never see an abusive document.
    """

    def __init__(self, limits: DocumentLimits, *, suggestions: bool) -> None:
        self._limits = limits
        self._suggestions = suggestions

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = parse_document(context.query, self._limits)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            context.pre_execution_errors = list(
                _validated(
                    context.schema._schema,
                    _Same(context.graphql_document),
                    context.validation_rules,
                    self._limits,
                    self._suggestions,
                )
            )
        yield


class _Same:
    """A cache key for one parsed document by identity.

    Parsed documents are themselves cached by text, so the same text yields the same
    object; hashing the syntax tree instead would walk all of it on every request. The key
    holds the document, so its identity cannot be reused while the entry lives.
    """

    __slots__ = ("document",)

    def __init__(self, document: DocumentNode) -> None:
        self.document = document

    def __hash__(self) -> int:
        return id(self.document)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.document is self.document


@lru_cache(maxsize=1024)
def _validated(
    schema: GraphQLSchema,
    key: _Same,
    rules: tuple[type[ASTValidationRule], ...],
    limits: DocumentLimits,
    suggestions: bool,
) -> tuple[GraphQLError, ...]:
    document = key.document
    if refusal := shape_error(document, limits):
        return (refusal,)
    errors = validate(
        schema,
        document,
        (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
        max_errors=MAX_VALIDATION_ERRORS,
        hide_suggestions=not suggestions,
    )
    return tuple(with_code(error, ErrorCode.GRAPHQL_VALIDATION_FAILED) for error in errors)
