using System.Text;
using FluentAssertions;
using MlxSupervisor.Routing;
using Xunit;

namespace MlxSupervisor.Tests.Routing;

public sealed class RequestedModelSpecs
{
    [Theory]
    [InlineData("""{"model":"qwen2.5-coder:32b","messages":[]}""", "qwen2.5-coder:32b")]
    [InlineData("""{"messages":[{"role":"user","content":"{\"model\":\"x\"}"}],"stream":true,"model":"phi3.5:3.8b"}""", "phi3.5:3.8b")]
    [InlineData("""{"messages":[{"model":"nested"}]}""", null)]
    [InlineData("""{"model":42}""", null)]
    [InlineData("""not json""", null)]
    [InlineData("""["model"]""", null)]
    public void The_model_is_the_top_level_string_field_of_the_body(string body, string? model)
    {
        RequestedModel.Find(Encoding.UTF8.GetBytes(body)).Should().Be(model);
    }
}
