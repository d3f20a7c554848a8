"""A field holding one of several kinds of object, told apart by one property (such as `type`).

Each kind is a marshmallow schema; the OpenAPI document describes the field as `oneOf` those
schemas with a `discriminator`, so a client (and the contract fuzzer) knows each kind's fields.
"""

from marshmallow import Schema, ValidationError, fields


class OneOf(fields.Field):
    """One object of the kinds in `schemas` ({value of `discriminator`: schema class})."""

    def __init__(self, discriminator: str, schemas: dict[str, type[Schema]], **kwargs):
        super().__init__(**kwargs)
        self.discriminator = discriminator
        self.schemas = schemas

    def _schema(self, value) -> Schema:
        if not isinstance(value, dict):
            raise ValidationError("Send an object")
        kind = value.get(self.discriminator)
        if not isinstance(kind, str) or kind not in self.schemas:
            raise ValidationError({self.discriminator: [f"Must be one of: {', '.join(self.schemas)}."]})
        return self.schemas[kind]()

    def _deserialize(self, value, attr, data, **kwargs):
        from app.api import json_type_errors

        schema = self._schema(value)
        errors = json_type_errors(schema, value)
        if errors:
            raise ValidationError(errors)
        return schema.load(value)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        kind = value.get(self.discriminator) if isinstance(value, dict) else None
        return self.schemas[kind]().dump(value) if kind in self.schemas else value


def one_of_property(self, field, **kwargs) -> dict:
    """apispec: a OneOf field as `oneOf` references to its schemas, with the discriminator and its mapping."""
    if not isinstance(field, OneOf):
        return {}
    refs = {kind: self.resolve_nested_schema(schema) for kind, schema in field.schemas.items()}
    return {
        "oneOf": list(refs.values()),
        "discriminator": {
            "propertyName": field.discriminator,
            "mapping": {kind: ref["$ref"] for kind, ref in refs.items() if "$ref" in ref},
        },
    }
