using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

// The reader: strict, because a cassette is hand-edited. Unknown or duplicate properties, wrong types and missing
// fields are errors that name the file and the JSON path, so a typo never silently changes what is matched or served.
internal static partial class CassetteJson
{
    public static Cassette Read(string text, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new CassetteFormatException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}", e);
        }

        using (document)
        {
            var reader = new Reader(source);
            return reader.ReadCassette(document.RootElement);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }

    private sealed class Reader(string source)
    {
        public Cassette ReadCassette(JsonElement root)
        {
            var props = Object(root, "$", "description", "interactions", "placeholders", "version");
            if (!props.TryGetValue("version", out var version))
            {
                throw Error("$", "\"version\" is required (1)");
            }

            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != Cassette.FormatVersion)
            {
                throw Error("$.version", $"unsupported version {version.GetRawText()}; this library reads version {Cassette.FormatVersion}");
            }

            var cassette = new Cassette();
            if (props.TryGetValue("description", out var description))
            {
                cassette.Description = String(description, "$.description");
            }

            if (props.TryGetValue("placeholders", out var placeholders))
            {
                ReadMap(placeholders, "$.placeholders", cassette.Placeholders);
                foreach (var name in cassette.Placeholders.Keys)
                {
                    if (!SecretRules.IsValidName(name))
                    {
                        throw Error("$.placeholders", $"'{name}' is not a valid placeholder name (letters, digits, '_', '.', '-')");
                    }
                }
            }

            if (!props.TryGetValue("interactions", out var interactions) || interactions.ValueKind != JsonValueKind.Array)
            {
                throw Error("$", "\"interactions\" must be an array");
            }

            var index = 0;
            foreach (var item in interactions.EnumerateArray())
            {
                cassette.Interactions.Add(ReadInteraction(item, $"$.interactions[{index++}]"));
            }

            return cassette;
        }

        private Interaction ReadInteraction(JsonElement element, string path)
        {
            var props = Object(element, path, "fault", "name", "repeat", "request", "response");
            if (!props.TryGetValue("request", out var requestElement))
            {
                throw Error(path, "\"request\" is required");
            }

            if (!props.TryGetValue("response", out var responseElement))
            {
                throw Error(path, "\"response\" is required");
            }

            var interaction = new Interaction(ReadRequest(requestElement, path + ".request"), ReadResponse(responseElement, path + ".response"));
            if (props.TryGetValue("name", out var name))
            {
                interaction.Name = String(name, path + ".name");
            }

            if (props.TryGetValue("repeat", out var repeat))
            {
                interaction.Times = repeat.ValueKind switch
                {
                    JsonValueKind.True => Interaction.Unlimited,
                    JsonValueKind.False => 1,
                    JsonValueKind.Number when repeat.TryGetInt32(out var n) && n >= 1 => n,
                    _ => throw Error(path + ".repeat", "must be true, false or a whole number of times (at least 1)"),
                };
            }

            if (props.TryGetValue("fault", out var fault))
            {
                interaction.Fault = ReadFault(fault, path + ".fault");
            }

            return interaction;
        }

        private RequestPattern ReadRequest(JsonElement element, string path)
        {
            var props = Object(element, path, "form", "headers", "json", "method", "path", "query");
            if (!props.TryGetValue("method", out var method))
            {
                throw Error(path, "\"method\" is required");
            }

            if (!props.TryGetValue("path", out var pathElement))
            {
                throw Error(path, "\"path\" is required");
            }

            var requestPath = String(pathElement, path + ".path");
            if (!requestPath.StartsWith('/'))
            {
                throw Error(path + ".path", "must start with '/'");
            }

            var methodText = String(method, path + ".method");
            if (string.IsNullOrWhiteSpace(methodText))
            {
                throw Error(path + ".method", "must not be empty");
            }

            var pattern = new RequestPattern(methodText, requestPath);
            if (props.TryGetValue("form", out var form))
            {
                ReadMap(form, path + ".form", pattern.Form);
            }

            if (props.TryGetValue("query", out var query))
            {
                ReadMap(query, path + ".query", pattern.Query);
            }

            if (props.TryGetValue("headers", out var headers))
            {
                ReadMap(headers, path + ".headers", pattern.Headers);
            }

            if (props.TryGetValue("json", out var json))
            {
                CheckNoDuplicateKeys(json, path + ".json");
                pattern.Json = JsonNode.Parse(json.GetRawText());
            }

            return pattern;
        }

        private ResponseTemplate ReadResponse(JsonElement element, string path)
        {
            var props = Object(element, path, "headers", "json", "status", "text");
            var response = new ResponseTemplate();
            if (!props.TryGetValue("status", out var status))
            {
                throw Error(path, "\"status\" is required");
            }

            if (status.ValueKind != JsonValueKind.Number || !status.TryGetInt32(out var code) || code < 100 || code > 999)
            {
                throw Error(path + ".status", "must be an HTTP status code (100-999)");
            }

            response.Status = code;
            if (props.TryGetValue("headers", out var headers))
            {
                ReadMap(headers, path + ".headers", response.Headers);
            }

            var hasJson = props.TryGetValue("json", out var json);
            var hasText = props.TryGetValue("text", out var text);
            if (hasJson && hasText)
            {
                throw Error(path, "give either \"json\" or \"text\", not both");
            }

            if (hasJson)
            {
                CheckNoDuplicateKeys(json, path + ".json");
                response.Json = JsonNode.Parse(json.GetRawText());
            }

            if (hasText)
            {
                response.Text = String(text, path + ".text");
            }

            return response;
        }

        private Fault ReadFault(JsonElement element, string path)
        {
            var props = Object(element, path, "bytes", "delayMs", "kind");
            if (!props.TryGetValue("kind", out var kindElement))
            {
                throw Error(path, "\"kind\" is required");
            }

            var kindName = String(kindElement, path + ".kind");
            FaultKind? kind = null;
            foreach (var candidate in Enum.GetValues<FaultKind>())
            {
                if (FaultName(candidate) == kindName)
                {
                    kind = candidate;
                }
            }

            if (kind is null)
            {
                throw Error(path + ".kind", $"unknown fault '{kindName}'; expected one of delay, slowBody, truncate, reset, maintenance, invalidSession");
            }

            var delay = TimeSpan.Zero;
            if (props.TryGetValue("delayMs", out var delayMs))
            {
                if (delayMs.ValueKind != JsonValueKind.Number || !delayMs.TryGetInt64(out var ms) || ms < 0)
                {
                    throw Error(path + ".delayMs", "must be a non-negative whole number of milliseconds");
                }

                delay = TimeSpan.FromMilliseconds(ms);
            }

            var bytes = 0;
            if (props.TryGetValue("bytes", out var bytesElement))
            {
                if (bytesElement.ValueKind != JsonValueKind.Number || !bytesElement.TryGetInt32(out bytes) || bytes < 0)
                {
                    throw Error(path + ".bytes", "must be a non-negative whole number");
                }
            }

            if (kind == FaultKind.SlowBody && bytes < 1)
            {
                throw Error(path + ".bytes", "slowBody needs a chunk size of at least 1 byte");
            }

            return new Fault(kind.Value, delay, bytes);
        }

        private Properties Object(JsonElement element, string path, params string[] allowed)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, $"expected an object, found {Describe(element.ValueKind)}");
            }

            var values = new JsonElement[allowed.Length];
            var present = new bool[allowed.Length];
            foreach (var property in element.EnumerateObject())
            {
                var index = Array.IndexOf(allowed, property.Name);
                if (index < 0)
                {
                    throw Error(path, $"unknown property \"{property.Name}\"; expected one of {string.Join(", ", allowed)}");
                }

                if (present[index])
                {
                    throw Error(path, $"duplicate property \"{property.Name}\"");
                }

                present[index] = true;
                values[index] = property.Value;
            }

            return new Properties(allowed, values, present);
        }

        private void ReadMap(JsonElement element, string path, IDictionary<string, string> target)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, $"expected an object of strings, found {Describe(element.ValueKind)}");
            }

            foreach (var property in element.EnumerateObject())
            {
                if (target.ContainsKey(property.Name))
                {
                    throw Error(path, $"duplicate key \"{property.Name}\"");
                }

                target[property.Name] = String(property.Value, $"{path}.{property.Name}");
            }
        }

        private void CheckNoDuplicateKeys(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        throw Error(path, $"duplicate key \"{property.Name}\"");
                    }

                    CheckNoDuplicateKeys(property.Value, $"{path}.{property.Name}");
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CheckNoDuplicateKeys(item, $"{path}[{i++}]");
                }
            }
        }

        private string String(JsonElement element, string path) =>
            element.ValueKind == JsonValueKind.String
                ? element.GetString()!
                : throw Error(path, $"expected a string, found {Describe(element.ValueKind)}");

        private static string Describe(JsonValueKind kind) => kind.ToString().ToLowerInvariant();

        private CassetteFormatException Error(string path, string message) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{source}: {path}: {message}"));
    }

    /// <summary>
    /// An object's properties by their allowed names. Arrays, not a Dictionary keyed to JsonElement values: that generic
    /// instance is not in the framework's precompiled code and was JIT-compiled each time a process loaded its first cassette.
    /// </summary>
    private sealed class Properties(string[] allowed, JsonElement[] values, bool[] present)
    {
        public bool TryGetValue(string name, out JsonElement value)
        {
            var index = Array.IndexOf(allowed, name);
            if (index >= 0 && present[index])
            {
                value = values[index];
                return true;
            }

            value = default;
            return false;
        }
    }
}
