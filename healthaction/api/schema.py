"""OpenAPI post-processing: the error answers every operation can give, documented once."""

ERRORS = {
    "400": "The request is malformed or a value fails the checks.",
    "401": "No valid credentials.",
    "403": "Your role or area does not allow this.",
    "404": "No such object, or it is not yours to see.",
    "409": "Someone else saved this object after you read it (version conflict).",
    "429": "Too many requests.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "additionalProperties": True,
        "properties": {"detail": {"type": "string"}},
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": text,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
