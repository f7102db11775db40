using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>Reads an XML property list into dictionaries, lists, strings, longs and bools.</summary>
internal static class Plist
{
    public static IReadOnlyDictionary<string, object> Parse(string xml)
    {
        // The DOCTYPE names Apple's DTD by URL: ignore it rather than fetch it.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var document = XDocument.Load(reader);
        var plist = document.Root ?? throw new FormatException("No root element.");
        if (plist.Name.LocalName != "plist")
            throw new FormatException($"The root is <{plist.Name}>, not <plist>.");
        return (IReadOnlyDictionary<string, object>)Read(plist.Elements().Single());
    }

    private static object Read(XElement element) => element.Name.LocalName switch
    {
        "dict" => ReadDict(element),
        "array" => element.Elements().Select(Read).ToList(),
        "string" => element.Value,
        "integer" => long.Parse(element.Value, CultureInfo.InvariantCulture),
        "true" => true,
        "false" => false,
        var other => throw new FormatException($"Unexpected <{other}>."),
    };

    private static Dictionary<string, object> ReadDict(XElement dict)
    {
        var items = dict.Elements().ToList();
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i += 2)
        {
            if (items[i].Name.LocalName != "key" || i + 1 >= items.Count)
                throw new FormatException($"Expected <key> then a value in <dict>, at {items[i]}.");
            // launchd would silently take one of two equal keys; for us that is a bug in the template.
            result.Add(items[i].Value, Read(items[i + 1]));
        }
        return result;
    }
}
