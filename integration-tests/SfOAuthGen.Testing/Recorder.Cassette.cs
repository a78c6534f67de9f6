using System.Globalization;

namespace SfOAuthGen.Testing;

/// <summary>Turning the recorded exchanges into a cassette with every secret replaced by a placeholder.</summary>
internal sealed partial class Recorder
{
    /// <summary>The redacted cassette: <paramref name="replayed"/>'s interactions (new_episodes) followed by what was recorded.</summary>
    public Cassette BuildCassette(Cassette? replayed = null)
    {
        Exchange[] snapshot;
        lock (gate)
        {
            snapshot = [.. exchanges];
        }

        var names = new Placeholders();

        // Pass 1, in order of appearance: give every secret value a placeholder name, the same value always the same name.
        foreach (var exchange in snapshot)
        {
            NameSecrets(exchange, names);
        }

        // Then every credential recognisable by its shape, wherever the recorder saw it: under a name no rule knows,
        // in an XML or form-encoded body, a query string, or a header that is not even recorded.
        foreach (var exchange in snapshot)
        {
            NameTokensByShape(exchange, names);
        }

        // Pass 2: write the interactions with every secret replaced, wherever it occurs.
        var cassette = ContinuedFrom(replayed);
        foreach (var exchange in snapshot)
        {
            var pattern = RedactedRequest(exchange, names);
            var response = RedactedResponse(exchange, names);
            cassette.Add(pattern, response);
        }

        RefuseLeaks(cassette.ToJson(), names);
        return cassette;
    }

    /// <summary>Names the secrets the rules know by their field, header or cookie name.</summary>
    private static void NameSecrets(Exchange exchange, Placeholders names)
    {
        NameFields(exchange.Request.Query, names);
        NameFields(exchange.Request.Form, names);
        if (exchange.Authorization.Length > 0 && !exchange.Request.ClientAuthenticatedWithBasic)
        {
            var bearer = BearerToken(exchange.Authorization);
            names.NameOf(bearer is null ? "authorization" : "access_token", bearer ?? exchange.Authorization);
        }

        if (exchange.Json is not null)
        {
            NameJson(exchange.Json, names);
        }

        if (exchange.RequestJson is not null)
        {
            NameJson(exchange.RequestJson, names);
        }

        foreach (var (name, values) in exchange.ResponseHeaders)
        {
            foreach (var value in values)
            {
                NameHeader(name, value, names);
            }
        }
    }

    private static void NameTokensByShape(Exchange exchange, Placeholders names)
    {
        foreach (var seen in exchange.EveryText())
        {
            foreach (var token in SecretRules.FindTokens(seen))
            {
                names.NameOf(token.StartsWith("5Aep", StringComparison.Ordinal) ? "refresh_token" : "access_token", token);
            }
        }
    }

    /// <summary>A cassette that starts with what was replayed (new_episodes), so recording adds to it rather than replaces it.</summary>
    private static Cassette ContinuedFrom(Cassette? replayed)
    {
        var cassette = new Cassette { Description = replayed?.Description ?? "Recorded by SfOAuthGen.Testing; every secret replaced by a placeholder." };
        foreach (var interaction in replayed?.Interactions ?? [])
        {
            cassette.Add(interaction);
        }

        foreach (var (name, value) in replayed?.Placeholders ?? new Dictionary<string, string>())
        {
            cassette.Placeholders[name] = value;
        }

        return cassette;
    }

    private static RequestPattern RedactedRequest(Exchange exchange, Placeholders names)
    {
        var pattern = new RequestPattern(exchange.Request.Method, names.Redact(exchange.Request.Path));
        RedactFields(exchange.Request.Query, pattern.Query, names);
        RedactFields(exchange.Request.Form, pattern.Form, names);
        if (exchange.RequestJson is not null)
        {
            var requestJson = exchange.RequestJson.DeepClone();
            RedactJson(requestJson, names);
            pattern.Json = requestJson;
        }

        if (exchange.Authorization.Length > 0 && !exchange.Request.ClientAuthenticatedWithBasic)
        {
            pattern.Headers["Authorization"] = BearerToken(exchange.Authorization) is { } bearer
                ? "Bearer " + Placeholder.Secret(names.NameOf("access_token", bearer))
                : Placeholder.Secret(names.NameOf("authorization", exchange.Authorization));
        }

        return pattern;
    }

    private static ResponseTemplate RedactedResponse(Exchange exchange, Placeholders names)
    {
        var response = new ResponseTemplate { Status = exchange.Status };
        if (exchange.Json is not null)
        {
            var json = exchange.Json.DeepClone();
            RedactJson(json, names);
            response.Json = json;
        }
        else
        {
            response.Text = names.Redact(exchange.Text);
        }

        if (exchange.ContentType is not null)
        {
            response.Headers["Content-Type"] = exchange.ContentType;
        }

        foreach (var (name, values) in exchange.ResponseHeaders)
        {
            // Several values (Set-Cookie) are kept one per line; the server sends each as its own header.
            response.Headers[name] = string.Join('\n', values.Select(value => RedactHeader(name, value, names)));
        }

        return response;
    }

    /// <summary>Refuse rather than write a file from which any secret could be recovered.</summary>
    private static void RefuseLeaks(string text, Placeholders names)
    {
        foreach (var (value, name) in names.All)
        {
            if (value.Length < MinimumSearchedLength)
            {
                continue;
            }

            foreach (var (encoding, encoded) in SecretRules.Encodings(value))
            {
                if (text.Contains(encoded, StringComparison.Ordinal))
                {
                    throw new SecretLeakException(string.Create(CultureInfo.InvariantCulture,
                        $"Refusing to write the recording: the secret recorded as {Placeholder.Secret(name)} can still be found in it ({encoding}). Nothing was written."));
                }
            }
        }
    }
}
