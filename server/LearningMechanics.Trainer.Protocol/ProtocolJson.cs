using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;

namespace LearningMechanics.Trainer.Protocol;

/// <summary>
/// The JSON settings of the trainer protocol. Model types carry no JSON attributes, so the polymorphic hierarchies
/// (<see cref="Op"/>, <see cref="InitSpec"/>) are declared here: each derived record is written with a "$type" equal to its name.
/// </summary>
public static class ProtocolJson
{
    /// <summary>Bumped whenever a message changes shape; a trainer refuses a job of another version.</summary>
    public const int Version = 1;

    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    private static JsonSerializerOptions Create()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(AddDerivedTypes(typeof(Op)));
        resolver.Modifiers.Add(AddDerivedTypes(typeof(InitSpec)));
        resolver.Modifiers.Add(AddDerivedTypes(typeof(TrainerMessage)));
        resolver.Modifiers.Add(SkipDefaultImmutableArrays);
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = resolver,
            // Lines go to a pipe and to logs, never into HTML: keep quotes, '+' and non-ASCII readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    // A default ImmutableArray (an optional list left out) cannot be enumerated; leave it out of the JSON, and it reads back as default.
    private static void SkipDefaultImmutableArrays(JsonTypeInfo info)
    {
        foreach (var property in info.Properties)
        {
            var type = property.PropertyType;
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(ImmutableArray<>))
                continue;
            var isDefault = type.GetProperty(nameof(ImmutableArray<int>.IsDefault))!;
            property.ShouldSerialize = (_, value) => value is not null && !(bool)isDefault.GetValue(value)!;
        }
    }

    private static Action<JsonTypeInfo> AddDerivedTypes(Type baseType) => info =>
    {
        if (info.Type != baseType)
            return;
        var polymorphism = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "$type",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var derived in baseType.Assembly.GetTypes().Where(t => t.IsSubclassOf(baseType) && !t.IsAbstract))
            polymorphism.DerivedTypes.Add(new JsonDerivedType(derived, derived.Name));
        info.PolymorphismOptions = polymorphism;
    };
}
