"""The schema extensions every request runs through, in order, built from settings.

Caches first (a repeated document skips parsing and validation), then the limits that
refuse expensive documents before execution, then error masking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from api.errors import MaskInternalErrors
from api.settings import Settings

ExtensionFactory = Callable[[], Any] | type


def schema_extensions(settings: Settings) -> list[ExtensionFactory]:
    """Extension factories (never shared instances: each request gets its own)."""
    rules: list[type[ASTValidationRule]] = (
        [] if settings.introspection else [NoSchemaIntrospectionCustomRule]
    )
    return [
        lambda: ParserCache(maxsize=1024),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        MaskInternalErrors,
    ]
