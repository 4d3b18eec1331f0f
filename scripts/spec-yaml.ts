/** The YAML form of the bundled spec (generated/openapi.yaml), written so YAML 1.1 and 1.2 parsers agree. */
import YAML from 'yaml';

/**
 * Plain YAML 1.2 scalars that a YAML 1.1 parser (Dredd's, yaml-js, old js-yaml) reads differently or
 * not at all: any `:` (`execute:flows` as a list item; `1:30` is a base-60 number in 1.1), the 1.1
 * booleans, 1.1 integers with `_`, and dates (a 1.1 timestamp, a Date to js-yaml). The `yaml` package already quotes what 1.2 itself would misread.
 */
const YAML_11_AMBIGUOUS = /:|^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|~)$|^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?$|^\d{4}-\d\d?-\d\d?/;

/** The bundled spec as YAML every common parser reads as the JSON: single-line ambiguous strings quoted. */
export function specYaml(bundled: unknown): string {
  const doc = new YAML.Document(bundled, { aliasDuplicateObjects: false });
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !node.value.includes('\n') && YAML_11_AMBIGUOUS.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}
