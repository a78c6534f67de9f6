using System.Text;

namespace SfOAuthGen.Testing;

/// <summary>What a test checks after its requests: every request answered, every interaction used.</summary>
public sealed partial class RecordedResponseServer
{
    /// <summary>Requests no interaction answered, in arrival order, described with secrets masked.</summary>
    public IReadOnlyList<UnmatchedRequest> UnmatchedRequests => unmatched.ToArray();

    /// <summary>Interactions that have not answered any request yet.</summary>
    public IReadOnlyList<Interaction> UnusedInteractions
    {
        get
        {
            var result = new List<Interaction>();
            foreach (var interaction in interactions ?? [])
            {
                if (interaction.Served == 0)
                {
                    result.Add(interaction.Source);
                }
            }

            return result;
        }
    }

    /// <summary>Throws if any request went unanswered, naming the closest interaction and each differing field (secrets masked).</summary>
    /// <exception cref="CassetteMismatchException">At least one request matched no interaction.</exception>
    public void AssertAllMatched()
    {
        var list = UnmatchedRequests;
        if (list.Count > 0)
        {
            var message = new StringBuilder().Append(list.Count).Append(" request(s) matched no interaction:");
            foreach (var request in list)
            {
                message.Append('\n').Append("- ").Append(request);
            }

            throw new CassetteMismatchException(SecretRules.MaskTokens(message.ToString()), list);
        }
    }

    /// <summary>Throws if any interaction never answered a request.</summary>
    /// <exception cref="CassetteMismatchException">At least one interaction is unused.</exception>
    public void AssertAllUsed()
    {
        var unused = UnusedInteractions;
        if (unused.Count > 0)
        {
            throw new CassetteMismatchException("Interaction(s) never used: " + string.Join(", ", unused), []);
        }
    }
}
