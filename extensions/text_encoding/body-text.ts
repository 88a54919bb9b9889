// A log body as text, as the Collector's Value.AsString gives it (core/pdata's valueText): strings as they are,
// numbers and booleans spelled out, bytes in base64, maps and slices as JSON, an empty body as the empty string.
import { valueText } from '../../core/pdata/index.ts';

export const bodyText = valueText;
