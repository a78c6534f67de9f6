using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing.Tests;

public class CassetteFormatTests
{
    public static TheoryData<string> CassetteFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestSupport.CassetteDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CassetteFiles))]
    public void Committed_cassettes_are_canonical_so_load_then_save_is_byte_stable(string name)
    {
        var path = Path.Combine(TestSupport.CassetteDirectory, name);
        var original = File.ReadAllText(path);

        var saved = Path.GetTempFileName();
        try
        {
            Cassette.Load(path).Save(saved);
            Assert.Equal(original, File.ReadAllText(saved));
        }
        finally
        {
            File.Delete(saved);
        }
    }

    [Fact]
    public void Cassette_built_in_code_round_trips_with_every_key_sorted()
    {
        var cassette = new Cassette { Description = "built in code" };
        cassette.Placeholders["zeta"] = "z";
        cassette.Placeholders["alpha"] = "a";
        var request = RequestPattern.Post()
            .WithForm("z_field", "1").WithForm("a_field", "{{secret:password}}")
            .WithHeader("X-Zed", "z").WithHeader("Authorization", "Bearer {{secret:access_token}}")
            .WithQuery("q", "1");
        var response = ResponseTemplate.FromJson(200, """{"z":1,"a":{"y":[3,{"k":true,"b":null}],"x":"é"}}""").WithHeader("X-B", "b").WithHeader("X-A", "a");
        cassette.Add(new Interaction(request, response) { Name = "n", Times = 3, Fault = Fault.SlowBody(4, TimeSpan.FromMilliseconds(250)) });
        cassette.Add(new Interaction(RequestPattern.Get("/x"), ResponseTemplate.FromText(503, "<html>down</html>", "text/html")).Repeating());

        var json = cassette.ToJson();
        var again = Cassette.Parse(json).ToJson();

        Assert.Equal(json, again);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        AssertSorted(document.RootElement, "$");
    }

    [Fact]
    public void Every_fault_kind_survives_a_round_trip()
    {
        Fault[] faults =
        [
            Fault.DelayHeaders(TimeSpan.FromSeconds(2)), Fault.SlowBody(8, TimeSpan.FromMilliseconds(50)), Fault.Truncate(12),
            Fault.ResetAfter(20), Fault.Maintenance(), Fault.InvalidSession(),
        ];
        var cassette = new Cassette();
        foreach (var fault in faults)
        {
            cassette.Add(new Interaction(RequestPattern.Post(), ResponseTemplate.FromText(200, "x")) { Fault = fault });
        }

        var parsed = Cassette.Parse(cassette.ToJson());

        Assert.Equal(faults, parsed.Interactions.Select(i => i.Fault));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"interactions":[]}""", "\"version\" is required")]
    [InlineData("""{"version":2,"interactions":[]}""", "unsupported version 2")]
    [InlineData("""{"version":1,"interactions":[{"request":{"metod":"POST","path":"/"},"response":{"status":200}}]}""", "$.interactions[0].request: unknown property \"metod\"")]
    [InlineData("""{"version":1,"interactions":[{"request":{"method":"POST","path":"/"}}]}""", "$.interactions[0]: \"response\" is required")]
    [InlineData("""{"version":1,"interactions":[{"request":{"method":"POST","path":"/"},"response":{"status":"200"}}]}""", "$.interactions[0].response.status")]
    [InlineData("""{"version":1,"interactions":[{"repeat":0,"request":{"method":"POST","path":"/"},"response":{"status":200}}]}""", "$.interactions[0].repeat")]
    [InlineData("""{"version":1,"interactions":[{"fault":{"kind":"explode"},"request":{"method":"POST","path":"/"},"response":{"status":200}}]}""", "unknown fault 'explode'")]
    [InlineData("""{"version":1,"interactions":[{"request":{"method":"POST","path":"/","form":{"a":1}},"response":{"status":200}}]}""", "$.interactions[0].request.form.a: expected a string")]
    [InlineData("""{"version":1,"interactions":[{"request":{"method":"POST","path":"/"},"response":{"status":200,"json":{"a":1,"a":2}}}]}""", "duplicate key \"a\"")]
    [InlineData("""{"version":1,"interactions":[{"request":{"method":"POST","path":"/"},"response":{"status":200,"json":{},"text":""}}]}""", "not both")]
    [InlineData("""{"version":1,"interactions":[{"request":{"method":"POST","path":"token"},"response":{"status":200}}]}""", "must start with '/'")]
    public void Invalid_cassettes_fail_with_a_message_that_says_where(string json, string expected)
    {
        var error = Assert.Throws<CassetteFormatException>(() => Cassette.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_a_missing_file_names_it()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");

        var error = Assert.Throws<CassetteFormatException>(() => Cassette.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private static void AssertSorted(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = element.EnumerateObject().Select(p => p.Name).ToList();
            Assert.True(names.SequenceEqual(names.Order(StringComparer.Ordinal)), $"keys of {path} are not sorted: {string.Join(", ", names)}");
            foreach (var property in element.EnumerateObject())
            {
                AssertSorted(property.Value, path + "." + property.Name);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                AssertSorted(item, path + "[]");
            }
        }
    }

    [Fact]
    public void A_json_request_pattern_and_multi_valued_response_headers_round_trip()
    {
        var cassette = new Cassette().Add(
            RequestPattern.Post("/x").WithJson("""{"b":{"z":1,"a":"{{secret:password}}"},"a":[true,null]}"""),
            ResponseTemplate.FromText(200, "ok").WithHeader("Set-Cookie", "a=1; Path=/\nb=2; Path=/"));

        var text = cassette.ToJson();
        var again = Cassette.Parse(text);

        Assert.Equal(text, again.ToJson());
        Assert.Contains("\"json\": {\n          \"a\": [", text, StringComparison.Ordinal); // keys sorted inside the pattern too
        Assert.Equal("{{secret:password}}", again.Interactions[0].Request.Json!["b"]!["a"]!.GetValue<string>());
    }
}
