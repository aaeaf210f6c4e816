# fmt: off
# ruff: noqa
# mypy: ignore-errors
# Generated from schemas/imports/invoice-import.v1.json ($id https://ecommerce.example.com/schemas/imports/invoice-import.v1.json).
# Do not edit: regenerate as tests/unit/notifications/test_ws_import_schema.py says.
VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^[A-Z0-9][A-Z0-9/-]{2,39}$': re.compile('^[A-Z0-9][A-Z0-9/-]{2,39}\\Z'),
    'date-time_re_pattern': re.compile('^(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))|(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)(t|T)(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):[0-5]\\d|[+-](?:[01]\\d|2[0-3])[0-5]\\d|z|Z)\\Z'),
    'uuid_re_pattern': re.compile('^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\Z'),
    'email_re_pattern': re.compile('^(?!.*\\.\\..*@)[^@.][^@]*(?<!\\.)@[^@]+\\.[^@]+\\Z'),
    '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$': re.compile('^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\Z'),
    '^[A-Z]{3}$': re.compile('^[A-Z]{3}\\Z')
}

NoneType = type(None)

def validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json', 'title': 'Invoice import file v1', 'description': "One invoice issued outside the shop (e.g. by a previous system), uploaded by an admin to imports/<transactionId>.json through the WebSocket API's getImportUrl action. Stored in the invoices table with source=import. Besides the schema, the importer checks that every amount uses the invoice's currency and that total = sum(quantity * unitPrice) + tax.", 'type': 'object', 'additionalProperties': False, 'required': ['formatVersion', 'number', 'issuedAt', 'currency', 'customer', 'lines', 'tax', 'total'], 'properties': {'formatVersion': {'const': '1', 'description': "This file format's version."}, 'number': {'type': 'string', 'pattern': '^[A-Z0-9][A-Z0-9/-]{2,39}$', 'description': 'The invoice number as issued (unique among imported invoices).'}, 'issuedAt': {'type': 'string', 'format': 'date-time'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}, 'orderId': {'type': 'string', 'format': 'uuid', 'description': 'The shop order it belongs to, if any.'}, 'customer': {'type': 'object', 'additionalProperties': False, 'required': ['name', 'email'], 'properties': {'customerId': {'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, 'name': {'type': 'string', 'minLength': 1, 'maxLength': 200}, 'email': {'type': 'string', 'format': 'email', 'maxLength': 254}, 'address': {'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}}}, 'lines': {'type': 'array', 'minItems': 1, 'maxItems': 200, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}}, 'tax': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}, 'total': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}, 'definitions': {'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}, 'money': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}}}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['formatVersion', 'number', 'issuedAt', 'currency', 'customer', 'lines', 'tax', 'total']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json', 'title': 'Invoice import file v1', 'description': "One invoice issued outside the shop (e.g. by a previous system), uploaded by an admin to imports/<transactionId>.json through the WebSocket API's getImportUrl action. Stored in the invoices table with source=import. Besides the schema, the importer checks that every amount uses the invoice's currency and that total = sum(quantity * unitPrice) + tax.", 'type': 'object', 'additionalProperties': False, 'required': ['formatVersion', 'number', 'issuedAt', 'currency', 'customer', 'lines', 'tax', 'total'], 'properties': {'formatVersion': {'const': '1', 'description': "This file format's version."}, 'number': {'type': 'string', 'pattern': '^[A-Z0-9][A-Z0-9/-]{2,39}$', 'description': 'The invoice number as issued (unique among imported invoices).'}, 'issuedAt': {'type': 'string', 'format': 'date-time'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}, 'orderId': {'type': 'string', 'format': 'uuid', 'description': 'The shop order it belongs to, if any.'}, 'customer': {'type': 'object', 'additionalProperties': False, 'required': ['name', 'email'], 'properties': {'customerId': {'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, 'name': {'type': 'string', 'minLength': 1, 'maxLength': 200}, 'email': {'type': 'string', 'format': 'email', 'maxLength': 254}, 'address': {'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}}}, 'lines': {'type': 'array', 'minItems': 1, 'maxItems': 200, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}}, 'tax': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}, 'total': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}, 'definitions': {'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}, 'money': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}}}}}, rule='required')
        data_keys = set(data.keys())
        if "formatVersion" in data_keys:
            data_keys.remove("formatVersion")
            data__formatVersion = data["formatVersion"]
            if not (isinstance(data__formatVersion, str) and data__formatVersion == '1'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".formatVersion must be same as const definition: 1", value=data__formatVersion, name="" + (name_prefix or "data") + ".formatVersion", definition={'const': '1', 'description': "This file format's version."}, rule='const')
        if "number" in data_keys:
            data_keys.remove("number")
            data__number = data["number"]
            if not isinstance(data__number, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".number must be string", value=data__number, name="" + (name_prefix or "data") + ".number", definition={'type': 'string', 'pattern': '^[A-Z0-9][A-Z0-9/-]{2,39}$', 'description': 'The invoice number as issued (unique among imported invoices).'}, rule='type')
            if isinstance(data__number, str):
                if not REGEX_PATTERNS['^[A-Z0-9][A-Z0-9/-]{2,39}$'].search(data__number):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".number must match pattern ^[A-Z0-9][A-Z0-9/-]{2,39}$", value=data__number, name="" + (name_prefix or "data") + ".number", definition={'type': 'string', 'pattern': '^[A-Z0-9][A-Z0-9/-]{2,39}$', 'description': 'The invoice number as issued (unique among imported invoices).'}, rule='pattern')
        if "issuedAt" in data_keys:
            data_keys.remove("issuedAt")
            data__issuedAt = data["issuedAt"]
            if not isinstance(data__issuedAt, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issuedAt must be string", value=data__issuedAt, name="" + (name_prefix or "data") + ".issuedAt", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__issuedAt, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__issuedAt):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issuedAt must be date-time", value=data__issuedAt, name="" + (name_prefix or "data") + ".issuedAt", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "currency" in data_keys:
            data_keys.remove("currency")
            data__currency = data["currency"]
            validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_currency(data__currency, custom_formats, (name_prefix or "data") + ".currency")
        if "orderId" in data_keys:
            data_keys.remove("orderId")
            data__orderId = data["orderId"]
            if not isinstance(data__orderId, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".orderId must be string", value=data__orderId, name="" + (name_prefix or "data") + ".orderId", definition={'type': 'string', 'format': 'uuid', 'description': 'The shop order it belongs to, if any.'}, rule='type')
            if isinstance(data__orderId, str):
                if not REGEX_PATTERNS["uuid_re_pattern"].match(data__orderId):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".orderId must be uuid", value=data__orderId, name="" + (name_prefix or "data") + ".orderId", definition={'type': 'string', 'format': 'uuid', 'description': 'The shop order it belongs to, if any.'}, rule='format')
        if "customer" in data_keys:
            data_keys.remove("customer")
            data__customer = data["customer"]
            if not isinstance(data__customer, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer must be object", value=data__customer, name="" + (name_prefix or "data") + ".customer", definition={'type': 'object', 'additionalProperties': False, 'required': ['name', 'email'], 'properties': {'customerId': {'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, 'name': {'type': 'string', 'minLength': 1, 'maxLength': 200}, 'email': {'type': 'string', 'format': 'email', 'maxLength': 254}, 'address': {'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}}}, rule='type')
            data__customer_is_dict = isinstance(data__customer, dict)
            if data__customer_is_dict:
                data__customer__missing_keys = set(['name', 'email']) - data__customer.keys()
                if data__customer__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer must contain " + (str(sorted(data__customer__missing_keys)) + " properties"), value=data__customer, name="" + (name_prefix or "data") + ".customer", definition={'type': 'object', 'additionalProperties': False, 'required': ['name', 'email'], 'properties': {'customerId': {'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, 'name': {'type': 'string', 'minLength': 1, 'maxLength': 200}, 'email': {'type': 'string', 'format': 'email', 'maxLength': 254}, 'address': {'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}}}, rule='required')
                data__customer_keys = set(data__customer.keys())
                if "customerId" in data__customer_keys:
                    data__customer_keys.remove("customerId")
                    data__customer__customerId = data__customer["customerId"]
                    if not isinstance(data__customer__customerId, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.customerId must be string", value=data__customer__customerId, name="" + (name_prefix or "data") + ".customer.customerId", definition={'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, rule='type')
                    if isinstance(data__customer__customerId, str):
                        if not REGEX_PATTERNS["uuid_re_pattern"].match(data__customer__customerId):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.customerId must be uuid", value=data__customer__customerId, name="" + (name_prefix or "data") + ".customer.customerId", definition={'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, rule='format')
                if "name" in data__customer_keys:
                    data__customer_keys.remove("name")
                    data__customer__name = data__customer["name"]
                    if not isinstance(data__customer__name, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.name must be string", value=data__customer__name, name="" + (name_prefix or "data") + ".customer.name", definition={'type': 'string', 'minLength': 1, 'maxLength': 200}, rule='type')
                    if isinstance(data__customer__name, str):
                        data__customer__name_len = len(data__customer__name)
                        if data__customer__name_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.name must be longer than or equal to 1 characters", value=data__customer__name, name="" + (name_prefix or "data") + ".customer.name", definition={'type': 'string', 'minLength': 1, 'maxLength': 200}, rule='minLength')
                        if data__customer__name_len > 200:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.name must be shorter than or equal to 200 characters", value=data__customer__name, name="" + (name_prefix or "data") + ".customer.name", definition={'type': 'string', 'minLength': 1, 'maxLength': 200}, rule='maxLength')
                if "email" in data__customer_keys:
                    data__customer_keys.remove("email")
                    data__customer__email = data__customer["email"]
                    if not isinstance(data__customer__email, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.email must be string", value=data__customer__email, name="" + (name_prefix or "data") + ".customer.email", definition={'type': 'string', 'format': 'email', 'maxLength': 254}, rule='type')
                    if isinstance(data__customer__email, str):
                        data__customer__email_len = len(data__customer__email)
                        if data__customer__email_len > 254:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.email must be shorter than or equal to 254 characters", value=data__customer__email, name="" + (name_prefix or "data") + ".customer.email", definition={'type': 'string', 'format': 'email', 'maxLength': 254}, rule='maxLength')
                        if not REGEX_PATTERNS["email_re_pattern"].match(data__customer__email):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.email must be email", value=data__customer__email, name="" + (name_prefix or "data") + ".customer.email", definition={'type': 'string', 'format': 'email', 'maxLength': 254}, rule='format')
                if "address" in data__customer_keys:
                    data__customer_keys.remove("address")
                    data__customer__address = data__customer["address"]
                    if not isinstance(data__customer__address, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.address must be array", value=data__customer__address, name="" + (name_prefix or "data") + ".customer.address", definition={'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}, rule='type')
                    data__customer__address_is_list = isinstance(data__customer__address, (list, tuple))
                    if data__customer__address_is_list:
                        data__customer__address_len = len(data__customer__address)
                        if data__customer__address_len > 6:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.address must contain less than or equal to 6 items", value=data__customer__address, name="" + (name_prefix or "data") + ".customer.address", definition={'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}, rule='maxItems')
                        for data__customer__address_x, data__customer__address_item in enumerate(data__customer__address):
                            if not isinstance(data__customer__address_item, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.address[{data__customer__address_x}]".format(**locals()) + " must be string", value=data__customer__address_item, name="" + (name_prefix or "data") + ".customer.address[{data__customer__address_x}]".format(**locals()) + "", definition={'type': 'string', 'minLength': 1, 'maxLength': 200}, rule='type')
                            if isinstance(data__customer__address_item, str):
                                data__customer__address_item_len = len(data__customer__address_item)
                                if data__customer__address_item_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.address[{data__customer__address_x}]".format(**locals()) + " must be longer than or equal to 1 characters", value=data__customer__address_item, name="" + (name_prefix or "data") + ".customer.address[{data__customer__address_x}]".format(**locals()) + "", definition={'type': 'string', 'minLength': 1, 'maxLength': 200}, rule='minLength')
                                if data__customer__address_item_len > 200:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer.address[{data__customer__address_x}]".format(**locals()) + " must be shorter than or equal to 200 characters", value=data__customer__address_item, name="" + (name_prefix or "data") + ".customer.address[{data__customer__address_x}]".format(**locals()) + "", definition={'type': 'string', 'minLength': 1, 'maxLength': 200}, rule='maxLength')
                if data__customer_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".customer must not contain "+str(data__customer_keys)+" properties", value=data__customer, name="" + (name_prefix or "data") + ".customer", definition={'type': 'object', 'additionalProperties': False, 'required': ['name', 'email'], 'properties': {'customerId': {'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, 'name': {'type': 'string', 'minLength': 1, 'maxLength': 200}, 'email': {'type': 'string', 'format': 'email', 'maxLength': 254}, 'address': {'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}}}, rule='additionalProperties')
        if "lines" in data_keys:
            data_keys.remove("lines")
            data__lines = data["lines"]
            if not isinstance(data__lines, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines must be array", value=data__lines, name="" + (name_prefix or "data") + ".lines", definition={'type': 'array', 'minItems': 1, 'maxItems': 200, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}}, rule='type')
            data__lines_is_list = isinstance(data__lines, (list, tuple))
            if data__lines_is_list:
                data__lines_len = len(data__lines)
                if data__lines_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines must contain at least 1 items", value=data__lines, name="" + (name_prefix or "data") + ".lines", definition={'type': 'array', 'minItems': 1, 'maxItems': 200, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}}, rule='minItems')
                if data__lines_len > 200:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines must contain less than or equal to 200 items", value=data__lines, name="" + (name_prefix or "data") + ".lines", definition={'type': 'array', 'minItems': 1, 'maxItems': 200, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}}, rule='maxItems')
                for data__lines_x, data__lines_item in enumerate(data__lines):
                    if not isinstance(data__lines_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}]".format(**locals()) + " must be object", value=data__lines_item, name="" + (name_prefix or "data") + ".lines[{data__lines_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}, rule='type')
                    data__lines_item_is_dict = isinstance(data__lines_item, dict)
                    if data__lines_item_is_dict:
                        data__lines_item__missing_keys = set(['description', 'quantity', 'unitPrice']) - data__lines_item.keys()
                        if data__lines_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}]".format(**locals()) + " must contain " + (str(sorted(data__lines_item__missing_keys)) + " properties"), value=data__lines_item, name="" + (name_prefix or "data") + ".lines[{data__lines_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}, rule='required')
                        data__lines_item_keys = set(data__lines_item.keys())
                        if "sku" in data__lines_item_keys:
                            data__lines_item_keys.remove("sku")
                            data__lines_item__sku = data__lines_item["sku"]
                            if not isinstance(data__lines_item__sku, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].sku".format(**locals()) + " must be string", value=data__lines_item__sku, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].sku".format(**locals()) + "", definition={'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, rule='type')
                            if isinstance(data__lines_item__sku, str):
                                if not REGEX_PATTERNS['^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'].search(data__lines_item__sku):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].sku".format(**locals()) + " must match pattern ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", value=data__lines_item__sku, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].sku".format(**locals()) + "", definition={'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, rule='pattern')
                        if "description" in data__lines_item_keys:
                            data__lines_item_keys.remove("description")
                            data__lines_item__description = data__lines_item["description"]
                            if not isinstance(data__lines_item__description, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].description".format(**locals()) + " must be string", value=data__lines_item__description, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].description".format(**locals()) + "", definition={'type': 'string', 'minLength': 1, 'maxLength': 500}, rule='type')
                            if isinstance(data__lines_item__description, str):
                                data__lines_item__description_len = len(data__lines_item__description)
                                if data__lines_item__description_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].description".format(**locals()) + " must be longer than or equal to 1 characters", value=data__lines_item__description, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].description".format(**locals()) + "", definition={'type': 'string', 'minLength': 1, 'maxLength': 500}, rule='minLength')
                                if data__lines_item__description_len > 500:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].description".format(**locals()) + " must be shorter than or equal to 500 characters", value=data__lines_item__description, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].description".format(**locals()) + "", definition={'type': 'string', 'minLength': 1, 'maxLength': 500}, rule='maxLength')
                        if "quantity" in data__lines_item_keys:
                            data__lines_item_keys.remove("quantity")
                            data__lines_item__quantity = data__lines_item["quantity"]
                            if not isinstance(data__lines_item__quantity, (int)) and not (isinstance(data__lines_item__quantity, float) and data__lines_item__quantity.is_integer()) or isinstance(data__lines_item__quantity, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].quantity".format(**locals()) + " must be integer", value=data__lines_item__quantity, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].quantity".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'maximum': 100000}, rule='type')
                            if isinstance(data__lines_item__quantity, (int, float, Decimal)) and not isinstance(data__lines_item__quantity, bool):
                                if data__lines_item__quantity < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].quantity".format(**locals()) + " must be bigger than or equal to 1", value=data__lines_item__quantity, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].quantity".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'maximum': 100000}, rule='minimum')
                                if data__lines_item__quantity > 100000:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}].quantity".format(**locals()) + " must be smaller than or equal to 100000", value=data__lines_item__quantity, name="" + (name_prefix or "data") + ".lines[{data__lines_x}].quantity".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'maximum': 100000}, rule='maximum')
                        if "unitPrice" in data__lines_item_keys:
                            data__lines_item_keys.remove("unitPrice")
                            data__lines_item__unitPrice = data__lines_item["unitPrice"]
                            validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_money(data__lines_item__unitPrice, custom_formats, (name_prefix or "data") + ".lines[{data__lines_x}].unitPrice".format(**locals()))
                        if data__lines_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".lines[{data__lines_x}]".format(**locals()) + " must not contain "+str(data__lines_item_keys)+" properties", value=data__lines_item, name="" + (name_prefix or "data") + ".lines[{data__lines_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}, rule='additionalProperties')
        if "tax" in data_keys:
            data_keys.remove("tax")
            data__tax = data["tax"]
            validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_money(data__tax, custom_formats, (name_prefix or "data") + ".tax")
        if "total" in data_keys:
            data_keys.remove("total")
            data__total = data["total"]
            validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_money(data__total, custom_formats, (name_prefix or "data") + ".total")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json', 'title': 'Invoice import file v1', 'description': "One invoice issued outside the shop (e.g. by a previous system), uploaded by an admin to imports/<transactionId>.json through the WebSocket API's getImportUrl action. Stored in the invoices table with source=import. Besides the schema, the importer checks that every amount uses the invoice's currency and that total = sum(quantity * unitPrice) + tax.", 'type': 'object', 'additionalProperties': False, 'required': ['formatVersion', 'number', 'issuedAt', 'currency', 'customer', 'lines', 'tax', 'total'], 'properties': {'formatVersion': {'const': '1', 'description': "This file format's version."}, 'number': {'type': 'string', 'pattern': '^[A-Z0-9][A-Z0-9/-]{2,39}$', 'description': 'The invoice number as issued (unique among imported invoices).'}, 'issuedAt': {'type': 'string', 'format': 'date-time'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}, 'orderId': {'type': 'string', 'format': 'uuid', 'description': 'The shop order it belongs to, if any.'}, 'customer': {'type': 'object', 'additionalProperties': False, 'required': ['name', 'email'], 'properties': {'customerId': {'type': 'string', 'format': 'uuid', 'description': "The customer's user id (Cognito sub), if known."}, 'name': {'type': 'string', 'minLength': 1, 'maxLength': 200}, 'email': {'type': 'string', 'format': 'email', 'maxLength': 254}, 'address': {'type': 'array', 'maxItems': 6, 'items': {'type': 'string', 'minLength': 1, 'maxLength': 200}}}}, 'lines': {'type': 'array', 'minItems': 1, 'maxItems': 200, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['description', 'quantity', 'unitPrice'], 'properties': {'sku': {'type': 'string', 'pattern': '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, 'description': {'type': 'string', 'minLength': 1, 'maxLength': 500}, 'quantity': {'type': 'integer', 'minimum': 1, 'maximum': 100000}, 'unitPrice': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}}}, 'tax': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}, 'total': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'$ref': 'https://ecommerce.example.com/schemas/imports/invoice-import.v1.json#/definitions/currency'}}}}, 'definitions': {'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}, 'money': {'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}}}}}, rule='additionalProperties')
    return data

def validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_money(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['amount', 'currency']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}}}, rule='required')
        data_keys = set(data.keys())
        if "amount" in data_keys:
            data_keys.remove("amount")
            data__amount = data["amount"]
            if not isinstance(data__amount, (int)) and not (isinstance(data__amount, float) and data__amount.is_integer()) or isinstance(data__amount, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".amount must be integer", value=data__amount, name="" + (name_prefix or "data") + ".amount", definition={'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, rule='type')
            if isinstance(data__amount, (int, float, Decimal)) and not isinstance(data__amount, bool):
                if data__amount < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".amount must be bigger than or equal to 0", value=data__amount, name="" + (name_prefix or "data") + ".amount", definition={'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, rule='minimum')
        if "currency" in data_keys:
            data_keys.remove("currency")
            data__currency = data["currency"]
            validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_currency(data__currency, custom_formats, (name_prefix or "data") + ".currency")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['amount', 'currency'], 'properties': {'amount': {'type': 'integer', 'minimum': 0, 'description': 'Minor units (cents).'}, 'currency': {'type': 'string', 'pattern': '^[A-Z]{3}$'}}}, rule='additionalProperties')
    return data

def validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json__definitions_currency(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^[A-Z]{3}$'}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Z]{3}$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^[A-Z]{3}$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^[A-Z]{3}$'}, rule='pattern')
    return data


validate = validate_https___ecommerce_example_com_schemas_imports_invoice_import_v1_json
